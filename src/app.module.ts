import { OffersModule } from './offers/offers.module';
import { Module } from '@nestjs/common';
import { OpenApiRoutes } from './common/openapi';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuthModule } from './auth/auth.module';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { RepositoriesModule } from './database/repositories.module';
import { ConsoleModule } from './console/console.module';
import { EventsModule } from './events/events.module';
import { EventStreamModule } from './events/stream/event-stream.module';
import { DistributionModule } from './distribution/distribution.module';
import { HealthModule } from './health/health.module';
import { LeadsModule } from './leads/leads.module';
import { LoggingModule } from './logging/logging.module';
import { MeModule } from './me/me.module';
import { MetricsModule } from './metrics/metrics.module';
import { OperatorsModule } from './operators/operators.module';
import { RequestsModule } from './requests/requests.module';
import { SourcesModule } from './sources/sources.module';
import { StaffingModule } from './staffing/staffing.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({
  imports: [
    ConfigModule,
    LoggingModule,
    DatabaseModule,
    RepositoriesModule,
    // Express tries routes in the order modules register them, one pattern after another: the
    // routes load balancers and intake hit most (/health, POST /requests) come first.
    HealthModule,
    RequestsModule,
    EventsModule,
    MetricsModule,
    AuthModule,
    OperatorsModule,
    MeModule,
    OffersModule,
    SourcesModule,
    LeadsModule,
    DistributionModule,
    WebhooksModule,
    AnalyticsModule,
    StaffingModule,
    EventStreamModule,
    ConsoleModule,
  ],
  providers: [OpenApiRoutes],
})
export class AppModule {}
