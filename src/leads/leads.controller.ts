import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList } from '../common/api-docs';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { LeadResponseDto } from './dto/lead-response.dto';
import { LeadsService } from './leads.service';

@ApiTags('leads')
@Controller('leads')
export class LeadsController {
  constructor(private readonly leads: LeadsService) {}

  @Get()
  @ApiOperation({ summary: 'List leads with their requests from every source' })
  @ApiPaginatedList(LeadResponseDto, 'Leads, by id, each with its requests')
  list(@Query() query: PaginationQueryDto) {
    return this.leads.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a lead with its requests' })
  @ApiOkResponse({ type: LeadResponseDto })
  @ApiErrors('badRequest', 'notFound')
  get(@Param('id', PositiveIntPipe) id: number): Promise<LeadResponseDto> {
    return this.leads.get(id);
  }
}
