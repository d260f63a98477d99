import { applyDecorators, UseInterceptors } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProperty,
} from '@nestjs/swagger';
import { TOTAL_COUNT_HEADER, TotalCountInterceptor } from './total-count.interceptor';

/** Nest's standard error body, as every 4xx of this API returns it. */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['max_load must not be greater than 100000'],
  })
  message: string | string[];
}

const errorExample = (statusCode: number, error: string, message: string | string[]) => ({
  type: ErrorResponseDto,
  example: { statusCode, error, message },
});

type ErrorKind = 'badRequest' | 'notFound' | 'conflict' | 'payloadTooLarge';

const errorResponses: Record<ErrorKind, (description?: string) => MethodDecorator> = {
  badRequest: (description = 'Invalid input; `message` names the field') =>
    ApiBadRequestResponse({
      description,
      ...errorExample(400, 'Bad Request', ['name must be longer than or equal to 1 characters']),
    }),
  notFound: (description = 'A referenced resource does not exist') =>
    ApiNotFoundResponse({
      description,
      ...errorExample(404, 'Not Found', 'source 42 not found'),
    }),
  conflict: (description = 'A unique value is taken or the change conflicts with current state') =>
    ApiConflictResponse({
      description,
      ...errorExample(409, 'Conflict', 'a source named "Telegram Bot" already exists'),
    }),
  payloadTooLarge: (description = 'Body larger than BODY_LIMIT') =>
    ApiPayloadTooLargeResponse({
      description,
      ...errorExample(413, 'Payload Too Large', 'request entity too large'),
    }),
};

/** Documents the error responses a route can give. */
export function ApiErrors(...kinds: ErrorKind[]): MethodDecorator {
  return applyDecorators(...kinds.map((kind) => errorResponses[kind]()));
}

/** A list route: plain JSON array of `type`, X-Total-Count header, 400 for a bad limit/offset. */
export function ApiPaginatedList(type: new () => unknown, description: string): MethodDecorator {
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
    ApiErrors('badRequest'),
  );
}
