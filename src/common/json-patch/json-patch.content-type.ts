import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AppException } from '../errors/app.exception';

export const JSON_PATCH_CONTENT_TYPE = 'application/json-patch+json';

/**
 * Lets Fastify accept `application/json-patch+json` bodies (parsed as JSON), registered once at
 * start-up, before the server listens, by whichever module imports JsonPatchModule first.
 */
@Injectable()
export class JsonPatchContentType implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.addContentTypeParser !== 'function' || fastify.hasContentTypeParser(JSON_PATCH_CONTENT_TYPE)) return;
    fastify.addContentTypeParser(JSON_PATCH_CONTENT_TYPE, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch {
        done(AppException.invalidField('body', 'the body is not valid JSON', 'invalidJson'), undefined);
      }
    });
  }
}
