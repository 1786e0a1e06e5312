import { AppException } from '../errors/app.exception';
import type { ErrorCode } from '../errors/error-codes';
import { EgressError } from './egress.error';

/**
 * The problem for a request the egress guard stopped: `subject` names what was fetched ("the identity
 * provider's discovery document"). A refused destination is a 502 `egress-refused`, an oversized answer
 * a 502 `upstream-response-too-large`, and a timeout or a name that does not resolve the caller's
 * "unavailable" code (503).
 */
export function egressProblem(err: EgressError, subject: string, unavailable: ErrorCode = 'service-unavailable'): AppException {
  switch (err.failure) {
    case 'timeout':
    case 'unresolvable':
      return new AppException(503, unavailable, { detail: `${capitalize(subject)} cannot be reached: ${err.message}.`, cause: err });
    case 'response-too-large':
      return new AppException(502, 'upstream-response-too-large', { detail: `${capitalize(subject)} is too large: ${err.message}.`, cause: err });
    default:
      return new AppException(502, 'egress-refused', { detail: `The server may not fetch ${subject}: ${err.message}.`, cause: err });
  }
}

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
