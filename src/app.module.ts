import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { DistributionModule } from './distribution/distribution.module';
import { HealthModule } from './health/health.module';
import { LeadsModule } from './leads/leads.module';
import { LoggingModule } from './logging/logging.module';
import { MetricsModule } from './metrics/metrics.module';
import { OperatorsModule } from './operators/operators.module';
import { RequestsModule } from './requests/requests.module';
import { SourcesModule } from './sources/sources.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    EventsModule,
    MetricsModule,
    AuthModule,
    OperatorsModule,
    SourcesModule,
    LeadsModule,
    DistributionModule,
    RequestsModule,
    HealthModule,
  ],
})
export class AppModule {}
