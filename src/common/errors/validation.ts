import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppException } from './app.exception';
import { forbiddenNulls } from './null-fields';
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

/**
 * The global pipe: a body's nulls are checked against the DTO's declared nullability first (see
 * forbiddenNulls), then class-validator runs.
 */
class AppValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype, type } = metadata;
    if (type === 'body' && metatype && this.toValidate(metadata)) {
      const errors = forbiddenNulls(metatype, value);
      if (errors.length > 0) throw AppException.validation(errors);
    }
    return super.transform(value, metadata);
  }
}

/** Rejects unknown fields and nulls where the DTO allows none, converts types, and reports each bad field in `errors[]`. */
export function createValidationPipe(): ValidationPipe {
  return new AppValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => AppException.validation(flattenValidationErrors(errors)),
  });
}
