import { Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
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
  @ApiCreatedResponse({ type: CreatedSourceApiKeyDto })
  @ApiErrors('badRequest', 'notFound')
  create(@Param('id', PositiveIntPipe) id: number): Promise<CreatedSourceApiKeyDto> {
    return this.keys.create(id);
  }

  @Get()
  @ApiOperation({ summary: 'List the source’s intake keys (without the secret)' })
  @ApiPaginatedList(SourceApiKeyDto, 'Keys, by id, revoked ones included')
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
  @ApiErrors('badRequest', 'notFound')
  revoke(
    @Param('id', PositiveIntPipe) id: number,
    @Param('key_id', PositiveIntPipe) keyId: number,
  ): Promise<void> {
    return this.keys.revoke(id, keyId);
  }
}
