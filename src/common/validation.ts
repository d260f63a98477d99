import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';

/** Largest id the schema stores (PostgreSQL integer); larger values would only fail later. */
export const MAX_ID = 2_147_483_647;

/** Optional, but when present it must be a real value: null is rejected, not stored. */
export function IsOptionalNonNull(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

/** An optional id filter in a query string: a positive integer when given. */
export function IsOptionalIdFilter(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: 'integer', example: 1, minimum: 1 }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(MAX_ID),
  );
}

/** A name or id made of spaces only identifies nothing. */
export function IsNotBlank(): PropertyDecorator {
  return Matches(/\S/, { message: '$property must not be blank' });
}
