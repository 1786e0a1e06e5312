import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_CODES, type ErrorCode } from './error-codes';

export class ProblemFieldError {
  @ApiProperty({ description: 'Path of the offending field, dotted for nested ones (`settings.theme`, `items.0.name`).', example: 'email' })
  field!: string;

  @ApiProperty({ description: 'What is wrong with it.', example: 'email must be an email' })
  message!: string;

  @ApiPropertyOptional({ description: 'Machine-readable reason (the failed constraint).', example: 'isEmail' })
  code?: string;
}

/** RFC 9457 problem details: the body of every error response. */
export class ProblemDetails {
  @ApiProperty({ description: 'URI identifying the problem type.', example: 'urn:collab:problem:validation-failed' })
  type!: string;

  @ApiProperty({ description: 'Short, human-readable summary of the problem type.', example: 'Bad Request' })
  title!: string;

  @ApiProperty({ description: 'HTTP status code.', example: 400 })
  status!: number;

  @ApiPropertyOptional({ description: 'Explanation specific to this occurrence.', example: 'The request body is invalid.' })
  detail?: string;

  @ApiProperty({ description: 'The request path of this occurrence.', example: '/api/v1/auth/register' })
  instance!: string;

  @ApiProperty({
    enum: ERROR_CODES,
    enumName: 'ErrorCode',
    description: 'Stable machine-readable error code (the last segment of `type`): switch on it.',
    example: 'validation-failed',
  })
  code!: ErrorCode;

  @ApiProperty({ description: 'Request id, as in the `x-request-id` response header and the server log.', example: '3f2c1c1e-6a7b-4a8e-9f3d-0c1b2a3d4e5f' })
  requestId!: string;

  @ApiPropertyOptional({ type: [ProblemFieldError], description: 'Each invalid field (validation errors only).' })
  errors?: ProblemFieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_PREFIX = 'urn:collab:problem:';
