import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ErlangCRequestDto, ErlangCResponseDto } from './dto/erlang-c.dto';
import { StaffingPlanQueryDto, StaffingPlanResponseDto } from './dto/staffing-plan.dto';
import { erlangCStaffing } from './erlang-c-staffing';
import { StaffingPlanService } from './staffing-plan.service';
import { ApiErlangC, ApiStaffingPlan } from './staffing.docs';

/** Admin only, as every route without @Public or @IntakeAllowed (the global ApiKeyGuard). */
@ApiTags('staffing')
@Controller('staffing')
export class StaffingController {
  constructor(private readonly plans: StaffingPlanService) {}

  @Post('erlang-c')
  @HttpCode(200)
  @ApiErlangC()
  erlangC(@Body() dto: ErlangCRequestDto): ErlangCResponseDto {
    return erlangCStaffing(dto);
  }

  @Get('plan')
  @ApiStaffingPlan()
  plan(@Query() query: StaffingPlanQueryDto): Promise<StaffingPlanResponseDto> {
    return this.plans.plan(query);
  }
}
