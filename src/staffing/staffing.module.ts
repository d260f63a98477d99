import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { StaffingPlanService } from './staffing-plan.service';
import { StaffingController } from './staffing.controller';

/** The plan reads the request history through analytics (the one home of its queries). */
@Module({
  imports: [AnalyticsModule],
  controllers: [StaffingController],
  providers: [StaffingPlanService],
})
export class StaffingModule {}
