import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'collab:isPublic';

/** Marks a route (or controller) as open to anonymous callers. Every other route requires authorization. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
