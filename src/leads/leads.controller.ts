import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiInvalid, ApiNotFound, ApiPaginatedList, invalidId } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { LeadResponseDto } from './dto/lead-response.dto';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @ApiOperation({
    summary: 'List leads with their requests from every source',
    description: 'Each lead with its requests, each with `source_name`.',
  })
  @ApiPaginatedList(LeadResponseDto, 'Leads, by id, each with its requests')
  list(@Query() query: PaginationQueryDto) {
    return this.leads.list(query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'Get a lead with its requests',
    description: 'Its requests from every source; unknown id → 404.',
  })
  @ApiOkResponse({ type: LeadResponseDto, description: 'The lead with its requests' })
  @ApiInvalid({ badId: invalidId() })
  @ApiNotFound('lead 42 not found', 'No lead has this id')
  get(@Param('id', PositiveIntPipe) id: number): Promise<LeadResponseDto> {
    return this.leads.get(id);
  }
}
