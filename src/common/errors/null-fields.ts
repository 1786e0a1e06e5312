import type { ProblemFieldError } from './problem.dto';

/**
 * Where @nestjs/swagger keeps what it knows of a DTO's properties: the @ApiProperty options
 * (reflect metadata) and what its CLI plugin read from the TypeScript types (src/metadata.ts,
 * loaded at start-up as a static factory on each class). Neither is exported by the package.
 */
const API_PROPERTY_METADATA = 'swagger/apiModelProperties';
const PLUGIN_METADATA_FACTORY = '_OPENAPI_METADATA_FACTORY';

type Class = abstract new (...args: never[]) => unknown;

interface PropertyMetadata {
  nullable?: boolean;
  type?: unknown;
}

/** What the OpenAPI document says of `property` of `cls` or a class it extends. */
function propertyMetadata(cls: Class, property: string): PropertyMetadata {
  for (let c: unknown = cls; typeof c === 'function' && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const decorated = Reflect.getMetadata(API_PROPERTY_METADATA, (c as Class).prototype, property) as PropertyMetadata | undefined;
    const factory = (c as unknown as Record<string, unknown>)[PLUGIN_METADATA_FACTORY];
    const plugin = typeof factory === 'function' ? ((factory as () => Record<string, PropertyMetadata>)()[property] ?? undefined) : undefined;
    if (decorated || plugin) return { ...plugin, ...decorated, nullable: Boolean(decorated?.nullable || plugin?.nullable) };
  }
  return {};
}

/** The DTO class a property holds (or holds an array of), when the metadata names one. */
function nestedClass(metadata: PropertyMetadata): Class | undefined {
  let type = metadata.type;
  // The plugin names types lazily (`type: () => RoomVizInputDto`): an arrow function has no prototype, a class has.
  if (typeof type === 'function' && !type.prototype) type = (type as () => unknown)();
  if (Array.isArray(type)) type = type[0];
  const primitive = [String, Number, Boolean, Object, Array, Date] as unknown[];
  return typeof type === 'function' && type.prototype && !primitive.includes(type) ? (type as Class) : undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Each `null` in a request body whose property the DTO does not declare nullable (`string | null`,
 * or `@ApiProperty({ nullable: true })`): class-validator's @IsOptional lets null through as if
 * the property were absent, and services would store it, or trip over it. Nested DTOs are checked
 * too. The rule is the OpenAPI document's: null is accepted exactly where it says `nullable`.
 */
export function forbiddenNulls(cls: Class, value: unknown, prefix = ''): ProblemFieldError[] {
  if (!isPlainObject(value)) return [];
  return Object.entries(value).flatMap(([property, item]) => {
    const field = prefix ? `${prefix}.${property}` : property;
    const metadata = propertyMetadata(cls, property);
    if (item === null) return metadata.nullable ? [] : [{ field, message: `${field} must not be null`, code: 'isNotNull' }];
    const nested = nestedClass(metadata);
    if (!nested) return [];
    if (Array.isArray(item)) return item.flatMap((element, i) => forbiddenNulls(nested, element, `${field}.${i}`));
    return forbiddenNulls(nested, item, field);
  });
}
