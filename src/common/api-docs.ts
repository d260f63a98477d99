import { applyDecorators, Type, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProperty,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { CONFLICT_CODES, type ConflictCode } from './conflict';
import { PaginationQueryDto } from './pagination.dto';
import { TOTAL_COUNT_HEADER, TotalCountInterceptor } from './total-count.interceptor';
import { VALIDATION_OPTIONS, validationMessages } from './validation-errors';

/** Nest's standard error body, as every 4xx other than 400 returns it. */
export class ErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'Not Found' })
  error: string;

  @ApiProperty({ example: 'source 42 not found' })
  message: string;

  @ApiPropertyOptional({
    enum: CONFLICT_CODES,
    enumName: 'ConflictCode',
    description:
      'On a 409 only: why the change was refused. Only CHANGED_MEANWHILE and ' +
      'IDEMPOTENCY_CONTENDED are worth sending again as they are.',
    example: 'AT_CAPACITY',
  })
  code?: ConflictCode;
}

/** A 400: `message` is always a list of strings, one per problem, each naming its field. */
export class ValidationErrorResponseDto {
  @ApiProperty({ type: 'integer', example: 400, enum: [400] })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ type: [String], example: ['source_id is required'] })
  message: string[];
}

/** A raw OpenAPI response object with Nest's error body (for document post-processing). */
export const errorBody = (
  statusCode: number,
  error: string,
  description: string,
  message: string,
) => ({
  description,
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/ErrorResponseDto' },
      example: { statusCode, error, message },
    },
  },
});

/**
 * The 400 messages the global ValidationPipe gives for `sample` against `dto`: OpenAPI examples
 * come from the route's own rules, so they cannot name a field the route does not have.
 */
export function validationExample(dto: Type<object>, sample: object): string[] {
  const messages = validationMessages(
    validateSync(plainToInstance(dto, sample), VALIDATION_OPTIONS),
  );
  if (messages.length === 0)
    throw new Error(`${dto.name}: the sample ${JSON.stringify(sample)} is valid`);
  return messages;
}

/** The 400 a path id that is not a positive integer gets (PositiveIntPipe). */
export const invalidId = (name = 'id'): string[] => [`${name} must be a positive integer`];

/** 400 with one named example per case: `{ missingFields: validationExample(Dto, {}) }`. */
export function ApiInvalid(cases: Record<string, string[]>): MethodDecorator {
  return ApiBadRequestResponse({
    description: 'Invalid input: `message` lists every problem, each naming its field',
    type: ValidationErrorResponseDto,
    examples: Object.fromEntries(
      Object.entries(cases).map(([name, message]) => [
        name,
        { summary: message.join('; '), value: { statusCode: 400, error: 'Bad Request', message } },
      ]),
    ),
  });
}

export function ApiNotFound(
  message: string,
  description = 'A referenced resource does not exist',
): MethodDecorator {
  return ApiNotFoundResponse({
    description,
    type: ErrorResponseDto,
    example: { statusCode: 404, error: 'Not Found', message },
  });
}

/** The 403 an intake key gets on any route but POST /requests (ApiKeyGuard). */
export const INTAKE_KEY_FORBIDDEN =
  'this intake key may only create requests (POST /requests) for source 1';

/**
 * A route an operator key may call, with the 403s of its own rule (not its operator, not its
 * request) beside the intake key's: one named example per case.
 */
export function ApiForbidden(description: string, cases: Record<string, string>): MethodDecorator {
  return ApiForbiddenResponse({
    description: `${description}; or an intake key (only POST /requests)`,
    type: ErrorResponseDto,
    examples: Object.fromEntries(
      Object.entries({ ...cases, intakeKey: INTAKE_KEY_FORBIDDEN }).map(([name, message]) => [
        name,
        { summary: message, value: { statusCode: 403, error: 'Forbidden', message } },
      ]),
    ),
  });
}

export function ApiConflict(
  description: string,
  message: string,
  code: ConflictCode,
): MethodDecorator {
  return ApiConflictResponse({
    description,
    type: ErrorResponseDto,
    example: { statusCode: 409, error: 'Conflict', message, code },
  });
}

export function ApiTooLarge(): MethodDecorator {
  return ApiPayloadTooLargeResponse({
    description: 'Body larger than BODY_LIMIT (default 100kb)',
    type: ErrorResponseDto,
    example: { statusCode: 413, error: 'Payload Too Large', message: 'request entity too large' },
  });
}

/**
 * A list route: plain JSON array of `type`, X-Total-Count header, 400 for a bad query (the
 * example comes from `query`'s rules).
 */
export function ApiPaginatedList(
  type: Type<unknown>,
  description: string,
  query: { dto: Type<object>; sample: object } = { dto: PaginationQueryDto, sample: { limit: 0 } },
): MethodDecorator {
  return applyDecorators(
    UseInterceptors(TotalCountInterceptor),
    ApiOkResponse({
      description,
      type,
      isArray: true,
      headers: {
        [TOTAL_COUNT_HEADER]: {
          description: 'Number of rows that match the filters, regardless of limit and offset',
          schema: { type: 'integer', example: 1 },
        },
      },
    }),
    ApiInvalid({ badQuery: validationExample(query.dto, query.sample) }),
  );
}
