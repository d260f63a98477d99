import { ValidateIf } from 'class-validator';

/** Largest id the schema stores (PostgreSQL integer); larger values would only fail later. */
export const MAX_ID = 2_147_483_647;

/** Optional, but when present it must be a real value: null is rejected, not stored. */
export function IsOptionalNonNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}
