import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import metadata from '../../metadata';
import { ProblemDetails } from '../errors/problem.dto';
import { problemResponse } from './api-problems.decorator';

export const API_KEY_HEADER = 'X-API-Key';

const UNIVERSAL_PROBLEMS: Record<string, string> = { '429': 'TooManyRequests', '500': 'InternalError' };
/** What any route that takes a body can also answer, before its own code runs (body limit, content types). */
const BODY_PROBLEMS: Record<string, string> = { '413': 'PayloadTooLarge', '415': 'UnsupportedMediaType' };
const UNIVERSAL_DESCRIPTIONS: Record<number, string> = {
  413: 'The request body is larger than the server accepts (`BODY_LIMIT`).',
  415: 'The request body is not of a content type the route accepts.',
  429: 'Rate limit exceeded; retry after the `Retry-After` seconds.',
  500: 'Unexpected server error; the body carries the request id to quote.',
};

/**
 * Builds the OpenAPI 3 document from the controllers' decorators and what the @nestjs/swagger CLI
 * plugin learned from the DTOs' types and doc comments (src/metadata.ts, `npm run openapi:metadata`;
 * `nest build` applies the same plugin while compiling).
 */
export async function buildOpenApiDocument(app: INestApplication, version: string): Promise<OpenAPIObject> {
  await SwaggerModule.loadPluginMetadata(metadata);
  const config = new DocumentBuilder()
    .setTitle('Collaboration backend API')
    .setDescription(
      'Multi-tenant collaboration backend: live rooms, calendar, LLM chat, coding workspaces, licensing, audit and jobs. ' +
        'Errors are RFC 9457 problem+json documents (`ProblemDetails`). Lists use cursor pagination (`limit`, `cursor` → `{ items, nextCursor }`).',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key', description: 'An access token, or an API key' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: API_KEY_HEADER, description: 'An API key' }, 'apiKey')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token only (credential management): API keys are refused with 403 `session-required`' },
      'accessToken',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ProblemDetails],
  });
  return addUniversalResponses(document);
}

/**
 * Every operation can be rate limited and can fail unexpectedly, and every one that takes a body can
 * find it too large or of a content type it does not accept: say so once, here.
 */
function addUniversalResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.responses ??= {};
  for (const [status, name] of Object.entries({ ...UNIVERSAL_PROBLEMS, ...BODY_PROBLEMS })) {
    document.components.responses[name] = problemResponse(Number(status), UNIVERSAL_DESCRIPTIONS[Number(status)]);
  }
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (!operation) continue;
      const problems = operation.requestBody ? { ...BODY_PROBLEMS, ...UNIVERSAL_PROBLEMS } : UNIVERSAL_PROBLEMS;
      for (const [status, name] of Object.entries(problems)) {
        operation.responses[status] ??= { $ref: `#/components/responses/${name}` };
      }
    }
  }
  return document;
}
