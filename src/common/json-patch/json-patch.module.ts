import { Module } from '@nestjs/common';
import { JsonPatchContentType } from './json-patch.content-type';

/**
 * For modules with PATCH routes that take an RFC 6902 JSON Patch: registers the
 * `application/json-patch+json` body parser. Patches are applied with `applyJsonPatch`
 * (json-patch.ts) and documented with `JsonPatchOperationDto`.
 */
@Module({ providers: [JsonPatchContentType] })
export class JsonPatchModule {}
