import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import metadata from '../../metadata';
import { ProblemDetails } from '../errors/problem.dto';
import { problemResponse } from './api-problems.decorator';

export const API_KEY_HEADER = 'X-API-Key';

const UNIVERSAL_PROBLEMS: Record<string, number> = { '429': 429, '500': 500 };
const UNIVERSAL_DESCRIPTIONS: Record<number, string> = {
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
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: (_controllerKey, methodKey) => methodKey,
    extraModels: [ProblemDetails],
  });
  return addUniversalResponses(document);
}

/** Every operation can be rate limited and can fail unexpectedly: say so once, here. */
function addUniversalResponses(document: OpenAPIObject): OpenAPIObject {
  document.components ??= {};
  document.components.responses ??= {};
  for (const [name, status] of Object.entries({ TooManyRequests: 429, InternalError: 500 })) {
    document.components.responses[name] = problemResponse(status, UNIVERSAL_DESCRIPTIONS[status]);
  }
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const) {
      const operation = item[method];
      if (!operation) continue;
      for (const status of Object.keys(UNIVERSAL_PROBLEMS)) {
        operation.responses[status] ??= {
          $ref: `#/components/responses/${status === '429' ? 'TooManyRequests' : 'InternalError'}`,
        };
      }
    }
  }
  return document;
}
