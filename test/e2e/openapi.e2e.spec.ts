import { validate } from '@readme/openapi-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { USERNAME_PATTERN } from '../../src/users/dto/user.dto';
import { http } from '../helpers/http';
import { TestApp, startTestApp } from '../helpers/test-app';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Operations outside /api/v1 that are deliberately public and not JSON. */
const NON_JSON = new Set(['getMetrics', 'exportRoomTranscript']);

describe('the OpenAPI document', () => {
  let app: TestApp;
  let doc: OpenAPIV3.Document;

  beforeAll(async () => {
    app = await startTestApp();
    doc = (await http.get(`${app.url}/openapi.json`)).body;
  });
  afterAll(() => app.close());

  it('is a valid OpenAPI 3 document', async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('declares the bearer and API-key security schemes and the problem schema', () => {
    expect(doc.components?.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
    });
    expect(doc.components?.schemas?.ProblemDetails).toBeDefined();
  });

  it('publishes the patterns the server enforces, so that generated clients validate the same way', () => {
    const schemas = doc.components!.schemas as Record<string, OpenAPIV3.SchemaObject>;
    const patternOf = (schema: string, property: string) => (schemas[schema]?.properties?.[property] as OpenAPIV3.SchemaObject | undefined)?.pattern;
    const expected: Array<[string, string, RegExp]> = [
      ['RegisterDto', 'username', USERNAME_PATTERN],
      ['CreateUserDto', 'username', USERNAME_PATTERN],
      ['FirstAdminDto', 'username', USERNAME_PATTERN],
      ['CreateTenantWithAdminDto', 'slug', /^[a-z0-9][a-z0-9-]{0,62}$/],
      ['PutSipConfigDto', 'dialInNumberId', /^[A-Za-z0-9+._-]{1,64}$/],
      ['CreateStreamingTargetDto', 'ingestUrl', /^(rtmps?|srt|https?):\/\/[^\s/?#]+\S*$/],
      ['UpdateStreamingTargetDto', 'ingestUrl', /^(rtmps?|srt|https?):\/\/[^\s/?#]+\S*$/],
      ['CreateStreamingTargetDto', 'publicUrl', /^https?:\/\/[^\s/?#]+\S*$/],
      ['UpdateStreamingTargetDto', 'publicUrl', /^https?:\/\/[^\s/?#]+\S*$/],
      ['UpdateProfileDto', 'language', /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/],
      ['UpdateProfileDto', 'phone', /^\+?[0-9 ()-]{4,30}$/],
    ];
    expect(expected.map(([schema, property]) => [schema, property, patternOf(schema, property)])).toEqual(
      expected.map(([schema, property, pattern]) => [schema, property, pattern.source]),
    );
  });

  it('names and types every operation and documents its errors', () => {
    const failures: string[] = [];
    const seen = new Map<string, string>();
    const schemas = doc.components?.schemas ?? {};
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const op = item?.[method];
        if (!op) continue;
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) failures.push(`${where}: no operationId`);
        else if (seen.has(op.operationId)) failures.push(`${where}: operationId ${op.operationId} also used by ${seen.get(op.operationId)}`);
        else seen.set(op.operationId, where);

        const success = Object.entries(op.responses).filter(([status]) => /^2\d\d$/.test(status));
        if (success.length === 0) failures.push(`${where}: no 2xx response`);
        for (const [status, response] of success) {
          if (status === '204') continue;
          const content = (response as OpenAPIV3.ResponseObject).content ?? {};
          const media = NON_JSON.has(op.operationId ?? '') ? content['text/plain'] : content['application/json'];
          const schema = media?.schema;
          if (!schema) failures.push(`${where}: ${status} has no schema`);
          else if (!isTyped(schema, schemas)) failures.push(`${where}: ${status} schema is an untyped object`);
        }
        for (const status of ['429', '500']) {
          if (!op.responses[status]) failures.push(`${where}: ${status} not documented`);
        }
        for (const [status, response] of Object.entries(op.responses)) {
          if (!/^[45]\d\d$/.test(status) || '$ref' in response) continue;
          const problem = (response as OpenAPIV3.ResponseObject).content?.['application/problem+json']?.schema;
          if (!problem) failures.push(`${where}: ${status} is not documented as problem+json`);
        }
        const params = (op.parameters ?? []) as OpenAPIV3.ParameterObject[];
        if ((op.requestBody || params.length > 0) && !op.responses['400']) failures.push(`${where}: takes input but documents no 400`);
        if (path.includes('{') && !op.responses['404']) failures.push(`${where}: has a path id but documents no 404`);
        for (const status of ['413', '415']) {
          if (op.requestBody && !op.responses[status]) failures.push(`${where}: takes a body but documents no ${status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

/** A schema is typed when it is a $ref, a primitive, an array of typed items, or an object with properties. */
function isTyped(schema: OpenAPIV3.ReferenceObject | OpenAPIV3.SchemaObject, schemas: Record<string, unknown>): boolean {
  if ('$ref' in schema) return schema.$ref.replace('#/components/schemas/', '') in schemas;
  if (schema.allOf) return schema.allOf.every((s) => isTyped(s, schemas));
  if (schema.type === 'array') return isTyped(schema.items, schemas);
  if (schema.type === 'object' || schema.type === undefined) {
    return Boolean(schema.properties && Object.keys(schema.properties).length > 0) || typeof schema.additionalProperties === 'object';
  }
  return true;
}
