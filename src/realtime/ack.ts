import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DatabaseOutage } from '../common/database/database-outage';
import { AppException } from '../common/errors/app.exception';
import { toProblem } from '../common/errors/problem.mapper';
import { forbiddenNulls } from '../common/errors/null-fields';
import { flattenValidationErrors } from '../common/errors/validation';
import { assertJsonDepth, assertWellFormedText } from '../common/http/input-guards';
import type { Ack, AckError, LiveSocket } from './socket.types';

/** A successful acknowledgement. */
export const ok = <T>(data: T): Ack<T> => ({ ok: true, data });

/** A failed acknowledgement. */
export const fail = (error: AckError): Ack<never> => ({ ok: false, error });

/**
 * Turns anything thrown by a socket handler into the error half of an acknowledgement:
 * AppException (and validation failures raised as AppException) keep status, code,
 * detail and errors; Nest's HttpException and WsException are mapped like HTTP maps
 * them; anything else is a 500 `internal` with a generic detail, never its message.
 */
export function toAckError(error: unknown): AckError {
  if (error instanceof WsException) {
    const inner = error.getError();
    if (inner instanceof AppException) return toAckError(inner);
    return { status: 400, code: 'bad-request', detail: typeof inner === 'string' ? inner : 'The event is invalid.' };
  }
  const { body } = toProblem(error, '', '');
  return {
    status: body.status,
    code: body.code,
    ...(body.detail !== undefined && { detail: body.detail }),
    ...(body.errors && { errors: body.errors }),
  };
}

export const VALIDATION_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  validationError: { target: false, value: false },
} as const;

/**
 * Validates an event payload against a class-validator DTO, like the HTTP pipe does:
 * unknown fields are refused, each bad field is reported in `errors[]`. Anything but a
 * plain object (a string, an array, null) is a 400 `invalid-payload`; with `optional`,
 * a missing payload (undefined) is accepted as `{}`.
 */
export async function parsePayload<T extends object>(dto: ClassConstructor<T>, payload: unknown, options: { optional?: boolean } = {}): Promise<T> {
  if (payload === undefined && options.optional) payload = {};
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload) || Object.getPrototypeOf(payload) !== Object.prototype) {
    throw new AppException(400, 'invalid-payload', { detail: 'The event payload must be a JSON object.' });
  }
  assertJsonDepth(payload, 'payload');
  assertWellFormedText(payload, 'payload');
  const nulls = forbiddenNulls(dto, payload, 'payload');
  if (nulls.length > 0) throw AppException.validation(nulls, 'The event payload is invalid.');
  const instance = plainToInstance(dto, payload);
  const errors = await validate(instance, VALIDATION_OPTIONS);
  if (errors.length > 0) throw AppException.validation(flattenValidationErrors(errors), 'The event payload is invalid.');
  return instance;
}

/**
 * Exception filter for Socket.IO gateways: answers the event's acknowledgement with
 * `{ ok: false, error }` (or, when the client sent no callback, emits `exception`
 * with the event name and the error). Unexpected errors are logged, never sent; an
 * unreachable database answers 503 and is left to DatabaseOutage's one line per outage.
 * The socket stays connected either way.
 */
@Catch()
export class WsAckExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('SocketEvents');

  constructor(private readonly outage: DatabaseOutage) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // Socket.IO handler arguments in Nest: [socket, payload, ack callback, event name].
    const socket = host.getArgByIndex<LiveSocket | undefined>(0);
    const ack: unknown = host.getArgByIndex(2);
    const event: unknown = host.getArgByIndex(3) ?? host.switchToWs().getPattern();
    const error = toAckError(exception);
    // An unreachable database is logged once for the whole outage, not once per event.
    if (error.status >= 500 && !this.outage.failed(exception)) {
      this.logger.error({ msg: 'socket event failed', event, userId: socket?.data?.principal?.userId, err: exception });
    }
    if (typeof ack === 'function') {
      (ack as (response: Ack<never>) => void)(fail(error));
    } else {
      socket?.emit('exception', { event: typeof event === 'string' ? event : 'unknown', error });
    }
  }
}
