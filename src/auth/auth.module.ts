import { Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ApiKeyGuard } from './api-key.guard';
import { OperatorApiKey } from './entities/operator-api-key.entity';
import { SourceApiKey } from './entities/source-api-key.entity';
import { FailedAuthGuard, FailedAuthLimiter } from './failed-auth-limiter';
import { OperatorApiKeysController } from './operator-api-keys.controller';
import { OperatorApiKeysRepository } from './operator-api-keys.repository';
import { OperatorApiKeysService } from './operator-api-keys.service';
import { RateLimitGuard } from './rate-limit.guard';
import { SourceApiKeysController } from './source-api-keys.controller';
import { SourceApiKeysRepository } from './source-api-keys.repository';
import { SourceApiKeysService } from './source-api-keys.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SourceApiKey, OperatorApiKey]),
    ThrottlerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        throttlers: [{ ttl: 60_000, limit: Math.max(config.RATE_LIMIT_PER_MINUTE, 1) }],
        skipIf: () => config.RATE_LIMIT_PER_MINUTE === 0,
      }),
    }),
  ],
  controllers: [SourceApiKeysController, OperatorApiKeysController],
  providers: [
    SourceApiKeysService,
    SourceApiKeysRepository,
    OperatorApiKeysService,
    OperatorApiKeysRepository,
    FailedAuthLimiter,
    // Global guards run in this order: too many failed keys from this address (before any key
    // is looked at), who is calling, then how often.
    { provide: APP_GUARD, useClass: FailedAuthGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('Auth');

  constructor(private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.adminApiKeys.length === 0) {
      this.logger.warn(
        'ADMIN_API_KEYS is not set: the API is open to anyone who can reach it. ' +
          'Set ADMIN_API_KEYS before exposing the service.',
      );
    }
  }
}
