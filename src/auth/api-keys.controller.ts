import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  type Type,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  type ApiOperationOptions,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiInvalid, ApiNotFound, ApiPaginatedList, invalidId } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import type { ApiKeyKind } from './api-key-kinds';
import type { ApiKeysService } from './api-keys.service';
import type { ApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto';

/** What one kind's key routes state beyond ApiKeyKind: their service, DTO classes and docs. */
export interface ApiKeyRoutes<Owner extends string> {
  service: Type<ApiKeysService<Owner>>;
  dtos: { created: Type<CreatedApiKeyDto>; listed: Type<ApiKeyDto<Owner>> };
  create: Required<Pick<ApiOperationOptions, 'summary' | 'description'>>;
  /** Its description is the same for every kind. */
  list: Required<Pick<ApiOperationOptions, 'summary'>>;
  revoke: Required<Pick<ApiOperationOptions, 'summary' | 'description'>>;
}

/**
 * POST and GET /{owner}s/{id}/keys and DELETE /{owner}s/{id}/keys/{key_id} for one kind of key.
 * Each kind's controller extends the class this returns; its own name names the operations.
 * Admin only: no @IntakeAllowed() or @OperatorAllowed() here, so an operator's key gets 403 even
 * for its own keys, and an intake key for its own source's.
 */
export function ApiKeysController<Owner extends string>(
  { owner, examples }: ApiKeyKind<Owner>,
  routes: ApiKeyRoutes<Owner>,
) {
  const ownerNotFound = () => ApiNotFound(`${owner} 42 not found`, `No ${owner} has this id`);

  @ApiTags(`${owner}s`)
  @ApiParam({ name: 'id', description: `The ${owner} id`, example: examples.ownerId })
  @Controller(`${owner}s/:id/keys`)
  class KeysController {
    constructor(@Inject(routes.service) private readonly keys: ApiKeysService<Owner>) {}

    @Post()
    @ApiOperation(routes.create)
    @ApiCreatedResponse({ type: routes.dtos.created, description: 'The key, shown this once' })
    @ApiInvalid({ badId: invalidId() })
    @ownerNotFound()
    create(@Param('id', PositiveIntPipe) id: number): Promise<CreatedApiKeyDto> {
      return this.keys.create(id);
    }

    @Get()
    @ApiOperation({
      ...routes.list,
      description:
        'Each with its 12-character prefix and `revoked_at`; the secret is never shown again.',
    })
    @ApiPaginatedList(routes.dtos.listed, 'Keys, by id, revoked ones included')
    @ownerNotFound()
    list(@Param('id', PositiveIntPipe) id: number, @Query() query: PaginationQueryDto) {
      return this.keys.list(id, query);
    }

    @Delete(':key_id')
    @HttpCode(204)
    @ApiOperation(routes.revoke)
    @ApiNoContentResponse({ description: 'Revoked' })
    @ApiInvalid({ badId: invalidId('key_id') })
    @ApiNotFound(
      `key ${examples.keyId} of ${owner} ${examples.ownerId} not found`,
      `No such key of this ${owner}`,
    )
    revoke(
      @Param('id', PositiveIntPipe) id: number,
      @Param('key_id', PositiveIntPipe) keyId: number,
    ): Promise<void> {
      return this.keys.revoke(id, keyId);
    }
  }
  return KeysController;
}
