import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_PATCH_OPS, JsonPatchOp } from './json-patch';

/** A free-form JSON object in the OpenAPI document (typed: `additionalProperties: {}`). */
export const JSON_OBJECT_SCHEMA = { type: 'object', additionalProperties: {} } as const;

/**
 * One RFC 6902 operation, for the OpenAPI document of a PATCH route that takes a JSON Patch
 * (`@ApiBody({ type: [JsonPatchOperationDto] })`); the body itself is checked by applyJsonPatch.
 */
export class JsonPatchOperationDto {
  @ApiProperty({ enum: JSON_PATCH_OPS }) op!: JsonPatchOp;
  @ApiProperty({ example: '/items/0', description: 'A JSON Pointer (RFC 6901) into the document.' }) path!: string;
  @ApiPropertyOptional({
    description: 'add / replace / test: any JSON value.',
    oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'array', items: {} }, JSON_OBJECT_SCHEMA],
    nullable: true,
  })
  value?: unknown;
  @ApiPropertyOptional({ description: 'move / copy: the source pointer.' }) from?: string;
}
