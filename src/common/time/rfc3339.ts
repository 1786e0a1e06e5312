import { ValidateBy, ValidationOptions, buildMessage } from 'class-validator';

/**
 * RFC 3339 date-times (`2024-05-01T12:00:00Z`, `2024-05-01T14:00:00.123+02:00`), years 0001 to
 * 9999. Date.parse is far more lenient: it takes bare numbers (`12345`), year 0, six-digit years
 * and days that do not exist (`2024-02-30`, rolled over to March), most of which PostgreSQL
 * refuses, so a timestamp from a client is read with this parser only.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

/** The Date of an RFC 3339 date-time, or undefined when `text` is not one (or names a day that does not exist). */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
  const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
  const valid =
    year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  return valid ? new Date(text) : undefined;
}

export const isRfc3339 = (value: unknown): value is string => typeof value === 'string' && parseRfc3339(value) !== undefined;

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (UTC: no time zone in between).
  const date = new Date(Date.UTC(2000, month, 0));
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

/** class-validator: an RFC 3339 date-time (see parseRfc3339); a DTO's timestamps use this, never IsDateString. */
export function IsRfc3339(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isRfc3339',
      validator: {
        validate: (value) => isRfc3339(value),
        defaultMessage: buildMessage((each) => `${each}$property must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z`, options),
      },
    },
    options,
  );
}
