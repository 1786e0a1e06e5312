import { HttpCode, Type, applyDecorators } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiResponseOptions } from '@nestjs/swagger';
import type { AccessAction, AccessObject } from '../auth/access-vocabulary';
import { Authenticated, Authorize, InteractiveSession, PlatformAdmin } from '../auth/auth.decorators';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { Public } from './public.decorator';

/**
 * Who may call a route: anyone (`'public'`), any signed-in caller, a caller signed in with an
 * access token (`'session'`: credential management, never API keys), platform admins, or whoever
 * the tenant's Casbin policies allow `[object, action]`.
 */
export type EndpointAccess = 'public' | 'authenticated' | 'session' | 'platform-admin' | readonly [AccessObject, AccessAction];

/** A success body: a class, `[Class]` for an array, or a class with a description. */
export type EndpointBody = Type | [Type] | { type: Type | [Type]; description: string };

export interface EndpointOptions {
  /** One line: what the route does (the OpenAPI summary). */
  summary: string;
  description?: string;
  access: EndpointAccess;
  /** 200 with this body. Alone, it also makes the route answer 200 (a POST action, say). */
  ok?: EndpointBody;
  /** 201 with this body (the default status of a POST). */
  created?: EndpointBody;
  /** 202 with this body: the work goes on after the answer (a mail is sent, say). */
  accepted?: EndpointBody;
  /** 204 without a body; the text describes what happened ("Deleted"). */
  noContent?: string;
  /** Problem responses beyond those every route of its kind can return (404, 409, 410, 422, ...). */
  problems?: number[];
}

/** Path, query and body parameters: a route that takes any can answer 400 (validation). */
const INPUT_PARAMETERS = new Set<number>([RouteParamtypes.BODY, RouteParamtypes.QUERY, RouteParamtypes.PARAM]);

function takesInput(target: object, key: string | symbol): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((arg) => INPUT_PARAMETERS.has(Number(arg.split(':')[0])));
}

function response(body: EndpointBody, description: string): ApiResponseOptions {
  if (typeof body === 'object' && !Array.isArray(body)) return { type: body.type, description: body.description };
  return { type: body, description };
}

function accessDecorator(access: EndpointAccess): MethodDecorator {
  if (access === 'public') return Public();
  if (access === 'authenticated') return Authenticated();
  if (access === 'session') return InteractiveSession();
  if (access === 'platform-admin') return PlatformAdmin();
  return Authorize(access[0], access[1]);
}

/**
 * Everything a route declares, in one decorator: who may call it, its OpenAPI summary, its
 * success responses and status code, and its problem+json error responses. The standard problems
 * come by themselves: 401 and 403 on routes that need a caller, 400 on routes that take path,
 * query or body parameters (429 and 500 are on every route); `problems` adds the rest.
 *
 *   @Get(':id')
 *   @Endpoint({ summary: 'Get a room', access: ['rooms', 'read'], ok: RoomDto, problems: [404] })
 *
 * Put it below the HTTP method decorator and above nothing that changes the parameters.
 */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  return (target, key, descriptor) => {
    const decorators: MethodDecorator[] = [
      accessDecorator(options.access),
      ApiOperation({ summary: options.summary, ...(options.description !== undefined && { description: options.description }) }),
    ];
    if (options.created) decorators.push(ApiCreatedResponse(response(options.created, 'Created')));
    if (options.ok) decorators.push(ApiOkResponse(response(options.ok, 'OK')));
    if (options.accepted) decorators.push(ApiAcceptedResponse(response(options.accepted, 'Accepted')), HttpCode(202));
    else if (options.noContent !== undefined) decorators.push(ApiNoContentResponse({ description: options.noContent }), HttpCode(204));
    else if (options.ok && !options.created) decorators.push(HttpCode(200));
    const problems = new Set(options.problems ?? []);
    if (takesInput(target, key)) problems.add(400);
    if (problems.size > 0) decorators.push(ApiProblems(...[...problems].sort((a, b) => a - b)));
    applyDecorators(...decorators)(target, key, descriptor);
  };
}
