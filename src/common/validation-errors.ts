import { BadRequestException } from '@nestjs/common';
import type { ValidationError, ValidatorOptions } from 'class-validator';

/** The global ValidationPipe's rules: unknown fields are refused, every problem is reported. */
export const VALIDATION_OPTIONS: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  stopAtFirstError: false,
};

/**
 * class-validator's type checks. When a value fails one, the field's other rules (ranges,
 * lengths, patterns) say nothing useful about it: only the type is reported.
 */
const TYPE_CONSTRAINTS = new Set([
  'isInt',
  'isString',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'isDate',
]);

/**
 * One message per problem, each naming its field: a missing required field is one
 * "<field> is required" (not every rule it failed), a value of the wrong type one
 * "<field> must be <type>" (not also its range), nested fields are named by their path
 * (`weights.0.weight`). Used by the global ValidationPipe and for the OpenAPI examples.
 */
export function validationMessages(errors: ValidationError[], parent?: string): string[] {
  return errors.flatMap((error) => {
    const path = parent === undefined ? error.property : `${parent}.${error.property}`;
    const constraints = error.constraints ?? {};
    if (error.value === undefined && Object.keys(constraints).length > 0) {
      return [`${path} is required`];
    }
    const failed = Object.keys(constraints);
    const typeFailures = failed.filter((name) => TYPE_CONSTRAINTS.has(name));
    const reported = typeFailures.length > 0 ? typeFailures : failed;
    return [
      ...reported.map((name) =>
        // class-validator names the property only; give nested ones their full path.
        (parent === undefined ? constraints[name] : constraints[name].replace(error.property, path))
          // its default for isInt says "an integer number".
          .replace(/ must be an integer number$/, ' must be an integer'),
      ),
      ...(typeFailures.length > 0 ? [] : validationMessages(error.children ?? [], path)),
    ];
  });
}

/** The ValidationPipe's exceptionFactory: 400 with `message` an array of strings. */
export function validationException(errors: ValidationError[]): BadRequestException {
  return new BadRequestException(validationMessages(errors));
}
