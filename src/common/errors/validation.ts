import { ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from './app.exception';
import type { ProblemFieldError } from './problem.dto';

/** Flattens class-validator's tree into one entry per failed constraint, with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): ProblemFieldError[] {
  const out: ProblemFieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const [code, message] of Object.entries(error.constraints ?? {})) {
      out.push({
        field,
        code,
        message: code === 'whitelistValidation' ? `${field} is not an accepted field` : message,
      });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** Rejects unknown fields, converts types, and reports each bad field in `errors[]`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(flattenValidationErrors(errors)),
  });
}
