import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { VALIDATION_OPTIONS, validationException } from './validation-errors';

export const BODY_NOT_OBJECT = 'the body must be a JSON object';

/** A route's body DTO (a class), as opposed to `unknown`, an array or a primitive type. */
function expectsObject(metatype: ArgumentMetadata['metatype']): boolean {
  return (
    typeof metatype === 'function' &&
    ![Object, Array, String, Number, Boolean].includes(metatype as never)
  );
}

/**
 * The global ValidationPipe: whitelist, transform, one message per field (validationMessages).
 * The JSON parser accepts any JSON value (`strict: false`), so that a body of `null`, `5`, `"x"`
 * or `[]` where a route expects an object is one clear 400 here, rather than the parser's
 * `"null" is not valid JSON` or a list of "is required". Routes that take an array
 * (`POST /sources/{id}/weights`) declare it and check it in their own pipe.
 */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({ ...VALIDATION_OPTIONS, transform: true, exceptionFactory: validationException });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (
      metadata.type === 'body' &&
      value !== undefined &&
      (value === null || typeof value !== 'object' || Array.isArray(value)) &&
      expectsObject(metadata.metatype)
    ) {
      throw new BadRequestException([BODY_NOT_OBJECT]);
    }
    return super.transform(value, metadata);
  }
}
