import { ParseUUIDPipe } from '@nestjs/common';
import { AppException } from '../errors/app.exception';

/** A path id that must be a UUID; anything else is a 400 naming the parameter. */
export const uuidParam = (name: string): ParseUUIDPipe =>
  new ParseUUIDPipe({ exceptionFactory: () => AppException.invalidField(name, `${name} must be a UUID`, 'isUuid') });
