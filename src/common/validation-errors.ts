import { BadRequestException } from '@nestjs/common';
import type { ValidationError, ValidatorOptions } from 'class-validator';

/** The global ValidationPipe's rules: unknown fields are refused, every problem is reported. */
export const VALIDATION_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  stopAtFirstError: false,
};

/**
 * One message per problem, each naming its field: a missing required field is one
 * "<field> is required" (not every rule it failed), nested fields are named by their path
 * (`weights.0.weight`). Used by the global ValidationPipe and for the OpenAPI examples.
 */
export function validationMessages(errors: ValidationError[], parent?: string): string[] {
  return errors.flatMap((error) => {
    const path = parent === undefined ? error.property : `${parent}.${error.property}`;
    const constraints = error.constraints ?? {};
    if (error.value === undefined && Object.keys(constraints).length > 0) {
      return [`${path} is required`];
    }
    return [
      ...Object.values(constraints).map((message) =>
        // class-validator names the property only; give nested ones their full path.
        parent === undefined ? message : message.replace(error.property, path),
      ),
      ...validationMessages(error.children ?? [], path),
    ];
  });
}

/** The ValidationPipe's exceptionFactory: 400 with `message` an array of strings. */
export function validationException(errors: ValidationError[]): BadRequestException {
  return new BadRequestException(validationMessages(errors));
}
