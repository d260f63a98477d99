import type { Type } from '@nestjs/common';
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { type ApiKeyKind, OPERATOR_KEYS, SOURCE_KEYS } from '../api-key-kinds';
import { VISIBLE_KEY_CHARS } from '../api-keys';
import type { ApiKey } from '../entities/api-key.entity';

/** A key just issued: the only time its secret is shown. */
export interface CreatedApiKeyDto {
  id: number;
  key: string;
  created_at: string;
}

/** A key as listed, without its secret: `source_id` or `operator_id` by its kind. */
export type ApiKeyDto<Owner extends string> = {
  id: number;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
} & Record<`${Owner}_id`, number>;

/** A class documenting these properties in this order, the order of the response's fields. */
function documented<T>(properties: Record<string, ApiPropertyOptions>): Type<T> {
  class Documented {}
  for (const [name, options] of Object.entries(properties)) {
    ApiProperty(options)(Documented.prototype, name);
  }
  return Documented as Type<T>;
}

/**
 * The DTO classes of one kind of key, with its examples. Each is named by extending it, as Nest's
 * PickType and the like are: the OpenAPI schema takes the subclass's name.
 */
function apiKeyDtos<Owner extends string>({ owner, examples }: ApiKeyKind<Owner>) {
  const id = (): ApiPropertyOptions => ({ type: 'integer', example: examples.keyId });
  const createdAt = (): ApiPropertyOptions => ({
    example: '2026-01-27T10:30:00.000Z',
    type: String,
  });
  return {
    Created: documented<CreatedApiKeyDto>({
      id: id(),
      key: {
        example: examples.key,
        description: 'The key itself: shown this once, stored only as a SHA-256 hash',
        type: String,
      },
      created_at: createdAt(),
    }),
    Listed: documented<ApiKeyDto<Owner>>({
      id: id(),
      [`${owner}_id`]: { type: 'integer', example: examples.ownerId },
      prefix: {
        example: examples.key.slice(0, VISIBLE_KEY_CHARS),
        description: 'The first characters of the key',
        type: String,
      },
      created_at: createdAt(),
      revoked_at: {
        example: null,
        nullable: true,
        type: String,
        description: 'When the key was revoked; null while it works',
      },
    }),
  };
}

const sourceKeyDtos = apiKeyDtos(SOURCE_KEYS);
export class CreatedSourceApiKeyDto extends sourceKeyDtos.Created {}
export class SourceApiKeyDto extends sourceKeyDtos.Listed {}

const operatorKeyDtos = apiKeyDtos(OPERATOR_KEYS);
export class CreatedOperatorApiKeyDto extends operatorKeyDtos.Created {}
export class OperatorApiKeyDto extends operatorKeyDtos.Listed {}

export function toApiKeyDto<Owner extends string>(owner: Owner, key: ApiKey): ApiKeyDto<Owner> {
  // A computed key widens to an index signature in TypeScript: the one cast of this mapper.
  return {
    id: key.id,
    [`${owner}_id`]: key.ownerId,
    prefix: key.keyPrefix,
    created_at: key.createdAt.toISOString(),
    revoked_at: key.revokedAt ? key.revokedAt.toISOString() : null,
  } as ApiKeyDto<Owner>;
}
