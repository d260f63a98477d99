import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ErlangCRequestDto, ErlangCResponseDto } from './dto/erlang-c.dto';
import { erlangCStaffing } from './erlang-c-staffing';
import { ApiErlangC } from './staffing.docs';

/** Admin only, as every route without @Public or @IntakeAllowed (the global ApiKeyGuard). */
@ApiTags('staffing')
@Controller('staffing')
export class StaffingController {
  @Post('erlang-c')
  @HttpCode(200)
  @ApiErlangC()
  erlangC(@Body() dto: ErlangCRequestDto): ErlangCResponseDto {
    return erlangCStaffing(dto);
  }
}
