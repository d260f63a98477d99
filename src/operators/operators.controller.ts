import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import type { Request } from 'express';
import { principalOf } from '../auth/principal';
import { OperatorAllowed } from '../auth/public.decorator';
import { ApiTags } from '@nestjs/swagger';
import { PositiveIntPipe } from '../common/positive-int.pipe';
import { ListOperatorsQueryDto } from './dto/list-operators-query.dto';
import { CreateOperatorDto } from './dto/create-operator.dto';
import { OperatorResponseDto } from './dto/operator-response.dto';
import { ReleaseResponseDto } from './dto/release-response.dto';
import { UpdateOperatorDto } from './dto/update-operator.dto';
import { OperatorEventResponseDto } from './dto/operator-event-response.dto';
import { SetPresenceDto } from './dto/set-presence.dto';
import {
  ApiCreateOperator,
  ApiGetOperator,
  ApiListOperators,
  ApiOperatorHistory,
  ApiSetPresence,
  ApiReleaseOperator,
  ApiUpdateOperator,
} from './operators.docs';
import { OperatorsService } from './operators.service';

@ApiTags('operators')
@Controller('operators')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @ApiCreateOperator()
  create(@Body() dto: CreateOperatorDto): Promise<OperatorResponseDto> {
    return this.operators.create(dto);
  }

  @Get()
  @ApiListOperators()
  list(@Query() query: ListOperatorsQueryDto) {
    return this.operators.list(query);
  }

  @Get(':id')
  @ApiGetOperator()
  get(@Param('id', PositiveIntPipe) id: number): Promise<OperatorResponseDto> {
    return this.operators.get(id);
  }

  @Patch(':id')
  @ApiUpdateOperator()
  update(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: UpdateOperatorDto,
  ): Promise<OperatorResponseDto> {
    return this.operators.update(id, dto);
  }

  @Post(':id/release')
  @HttpCode(200)
  @ApiReleaseOperator()
  release(@Param('id', PositiveIntPipe) id: number): Promise<ReleaseResponseDto> {
    return this.operators.release(id);
  }

  @Put(':id/presence')
  @OperatorAllowed()
  @ApiSetPresence()
  setPresence(
    @Param('id', PositiveIntPipe) id: number,
    @Body() dto: SetPresenceDto,
    @Req() request: Request,
  ): Promise<OperatorResponseDto> {
    return this.operators.setPresence(id, dto, principalOf(request));
  }

  @Get(':id/events')
  @ApiOperatorHistory()
  history(@Param('id', PositiveIntPipe) id: number): Promise<OperatorEventResponseDto[]> {
    return this.operators.history(id);
  }
}
