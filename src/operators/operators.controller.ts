import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiErrors, ApiPaginatedList, ErrorResponseDto } from '../common/api-docs';
import { ReleaseResponseDto } from './dto/release-response.dto';
import { PaginationQueryDto } from '../common/pagination.dto';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { CreateOperatorDto } from './dto/create-operator.dto';
import { OperatorResponseDto } from './dto/operator-response.dto';
import { UpdateOperatorDto } from './dto/update-operator.dto';
import { OperatorsService } from './operators.service';

@ApiTags('operators')
@Controller('operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an operator' })
  @ApiCreatedResponse({ type: OperatorResponseDto })
  @ApiErrors('badRequest', 'payloadTooLarge')
  create(@Body() dto: CreateOperatorDto): Promise<OperatorResponseDto> {
    return this.operators.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List operators, by id' })
  @ApiPaginatedList(OperatorResponseDto, 'Operators with their current load')
  list(@Query() query: PaginationQueryDto) {
    return this.operators.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get an operator' })
  @ApiOkResponse({ type: OperatorResponseDto })
  @ApiErrors('badRequest', 'notFound')
  get(@Param('id', PositiveIntPipe) id: number): Promise<OperatorResponseDto> {
    return this.operators.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update an operator',
    description:
      'Any subset of name, is_active, max_load. Lowering max_load below current_load keeps existing ' +
      'requests; the operator gets no new ones until its load is below the new limit.',
  })
  @ApiOkResponse({ type: OperatorResponseDto })
  @ApiErrors('badRequest', 'notFound', 'payloadTooLarge')
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateOperatorDto,
  ): Promise<OperatorResponseDto> {
    return this.operators.update(id, dto);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Hand an inactive operator’s open requests to others',
    description:
      'Every active request of the (inactive) operator goes to another operator by its source’s ' +
      'rules; the ones nobody can take now wait, and are assigned as soon as someone has room.',
  })
  @ApiOkResponse({ type: ReleaseResponseDto })
  @ApiErrors('badRequest', 'notFound')
  @ApiConflictResponse({
    description: 'The operator is active',
    type: ErrorResponseDto,
    example: {
      statusCode: 409,
      error: 'Conflict',
      message: 'operator 3 is active; deactivate it before releasing its requests',
    },
  })
  release(@Param('id', PositiveIntPipe) id: number): Promise<ReleaseResponseDto> {
    return this.operators.release(id);
  }
}
