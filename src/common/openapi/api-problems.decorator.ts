import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE, ProblemDetails } from '../errors/problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is invalid: see `errors[]` for each offending field.',
  401: 'Missing, malformed, expired or revoked credentials.',
  403: 'The caller may not do this.',
  404: 'The resource does not exist or belongs to another tenant.',
  409: 'The change conflicts with the current state.',
  413: 'The request body is too large.',
  415: 'The request body is not of a content type the route accepts.',
  422: 'The request is well-formed but cannot be processed.',
  503: 'A dependency is unavailable.',
};

export function problemResponse(status: number, description?: string) {
  return {
    description: description ?? DESCRIPTIONS[status] ?? STATUS_CODES[status] ?? 'Error',
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetails) } } },
  };
}

/** Documents the problem+json error responses a route can return (429 and 500 are added to every route). */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetails),
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
