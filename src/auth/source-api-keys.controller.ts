import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiInvalid, ApiNotFound, ApiPaginatedList, invalidId } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CreatedSourceApiKeyDto, SourceApiKeyDto } from './dto/source-api-key.dto';
import { SourceApiKeysService } from './source-api-keys.service';

@ApiTags('sources')
@ApiParam({ name: 'id', description: 'The source id', example: 1 })
@Controller('sources/:id/keys')
export class SourceApiKeysController {
  constructor(private readonly keys: SourceApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an intake key for the source',
    description:
      'The key is returned once and stored only as a SHA-256 hash. It may call POST /requests ' +
      'for this source and nothing else (403).',
  })
  @ApiCreatedResponse({ type: CreatedSourceApiKeyDto, description: 'The key, shown this once' })
  @ApiInvalid({ badId: invalidId() })
  @ApiNotFound('source 42 not found', 'No source has this id')
  create(@Param('id', PositiveIntPipe) id: number): Promise<CreatedSourceApiKeyDto> {
    return this.keys.create(id);
  }

  @Get()
  @ApiOperation({
    summary: 'List the source’s intake keys (without the secret)',
    description:
      'Each with its 12-character prefix and `revoked_at`; the secret is never shown again.',
  })
  @ApiPaginatedList(SourceApiKeyDto, 'Keys, by id, revoked ones included')
  @ApiNotFound('source 42 not found', 'No source has this id')
  list(@Param('id', PositiveIntPipe) id: number, @Query() query: PaginationQueryDto) {
    return this.keys.list(id, query);
  }

  @Delete(':key_id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an intake key',
    description: 'Effective at once on every instance; revoking a revoked key changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiInvalid({ badId: invalidId('key_id') })
  @ApiNotFound('key 3 of source 1 not found', 'No such key of this source')
  revoke(
    @Param('id', PositiveIntPipe) id: number,
    @Param('key_id', PositiveIntPipe) keyId: number,
  ): Promise<void> {
    return this.keys.revoke(id, keyId);
  }
}
