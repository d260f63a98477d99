import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

/** Up when every migration this build knows is applied (a half-migrated database is not ready). */
@Injectable()
export class MigrationsHealthIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isApplied<const Key extends string>(key: Key) {
    const indicator = this.indicators.check(key);
    try {
      // showMigrations() is true when some migration is pending.
      const pending = await this.dataSource.showMigrations();
      return pending ? indicator.down({ message: 'migrations pending' }) : indicator.up();
    } catch {
      return indicator.down({ message: 'cannot read the migrations table' });
    }
  }
}
