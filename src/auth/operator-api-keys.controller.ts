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
import { CreatedOperatorApiKeyDto, OperatorApiKeyDto } from './dto/operator-api-key.dto';
import { OperatorApiKeysService } from './operator-api-keys.service';

// Admin only: no @OperatorAllowed() here, so an operator's key gets 403, even for its own keys.
@ApiTags('operators')
@ApiParam({ name: 'id', description: 'The operator id', example: 2 })
@Controller('operators/:id/keys')
export class OperatorApiKeysController {
  constructor(private readonly keys: OperatorApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Issue an operator key (admin only)',
    description:
      'The key (`ldo_…`) is returned once and stored only as a SHA-256 hash. With it the ' +
      'person may call GET /me, GET /me/requests, PUT /operators/{own id}/presence, read its own ' +
      'requests and their history, and close them; every other route answers 403.',
  })
  @ApiCreatedResponse({ type: CreatedOperatorApiKeyDto, description: 'The key, shown this once' })
  @ApiInvalid({ badId: invalidId() })
  @ApiNotFound('operator 42 not found', 'No operator has this id')
  create(@Param('id', PositiveIntPipe) id: number): Promise<CreatedOperatorApiKeyDto> {
    return this.keys.create(id);
  }

  @Get()
  @ApiOperation({
    summary: 'List the operator’s keys, without the secret (admin only)',
    description:
      'Each with its 12-character prefix and `revoked_at`; the secret is never shown again.',
  })
  @ApiPaginatedList(OperatorApiKeyDto, 'Keys, by id, revoked ones included')
  @ApiNotFound('operator 42 not found', 'No operator has this id')
  list(@Param('id', PositiveIntPipe) id: number, @Query() query: PaginationQueryDto) {
    return this.keys.list(id, query);
  }

  @Delete(':key_id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an operator key (admin only)',
    description:
      'Effective at once on every instance (the next call with it is 401); revoking a revoked ' +
      'key changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiInvalid({ badId: invalidId('key_id') })
  @ApiNotFound('key 4 of operator 2 not found', 'No such key of this operator')
  revoke(
    @Param('id', PositiveIntPipe) id: number,
    @Param('key_id', PositiveIntPipe) keyId: number,
  ): Promise<void> {
    return this.keys.revoke(id, keyId);
  }
}
