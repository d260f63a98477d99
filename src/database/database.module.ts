import {
  Global,
  Inject,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { WRITER } from './database.constants';
import {
  databaseOptions,
  readerOptions,
  removeThrowawayFile,
  sqliteFile,
} from './database-options';
import { runMigrations } from './run-migrations';
import { lockSqliteFile } from './sqlite-lock';
import { TransactionRunner } from './transaction-runner';
import { WalCheckpointer } from './wal-checkpointer';

/** Each SQLite writer's hold on its file's lock, released when the writer closes. */
const sqliteUnlocks = new WeakMap<DataSource, (() => void) | undefined>();

/** The writer connection: opened and migrated before the reader (and so any module) starts. */
@Module({
  providers: [
    {
      provide: WRITER,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        // The one writer process of the file (see sqlite-lock.ts): taken before the file opens.
        const unlock = config.usesPostgres ? undefined : lockSqliteFile(config.SQLITE_PATH);
        try {
          const writer = await new DataSource(databaseOptions(config)).initialize();
          sqliteUnlocks.set(writer, unlock);
          await runMigrations(writer);
          return writer;
        } catch (error) {
          unlock?.();
          throw error;
        }
      },
    },
  ],
  exports: [WRITER],
})
class WriterModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private checkpointer?: WalCheckpointer;

  constructor(
    @Inject(WRITER) private readonly writer: DataSource,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.writer.options.type !== 'better-sqlite3') return;
    const db = (this.writer.driver as unknown as { databaseConnection: Database })
      .databaseConnection;
    this.checkpointer = new WalCheckpointer(db, sqliteFile(this.config));
    this.checkpointer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
    if (this.writer.isInitialized) await this.writer.destroy();
    sqliteUnlocks.get(this.writer)?.();
    removeThrowawayFile(this.config);
  }
}

@Global()
@Module({
  imports: [
    WriterModule,
    TypeOrmModule.forRootAsync({
      imports: [WriterModule],
      // Injecting the writer orders start-up: the file exists and is migrated before reads.
      inject: [AppConfig, WRITER],
      useFactory: (config: AppConfig) => readerOptions(config),
    }),
  ],
  providers: [TransactionRunner],
  exports: [TransactionRunner, WriterModule],
})
export class DatabaseModule {}
