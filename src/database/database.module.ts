import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { WRITER } from './database.constants';
import { databaseOptions, readerOptions, removeThrowawayFile } from './database-options';
import { runMigrations } from './run-migrations';
import { TransactionRunner } from './transaction-runner';

/** The writer connection: opened and migrated before the reader (and so any module) starts. */
@Module({
  providers: [
    {
      provide: WRITER,
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => {
        const writer = await new DataSource(databaseOptions(config)).initialize();
        await runMigrations(writer);
        return writer;
      },
    },
  ],
  exports: [WRITER],
})
class WriterModule implements OnApplicationShutdown {
  constructor(
    @Inject(WRITER) private readonly writer: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.writer.isInitialized) await this.writer.destroy();
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
