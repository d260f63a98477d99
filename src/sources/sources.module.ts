import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DistributionModule } from '../distribution/distribution.module';
import { LifecycleModule } from '../requests/lifecycle/lifecycle.module';
import { OperatorSourceWeight } from './entities/operator-source-weight.entity';
import { Source } from './entities/source.entity';
import { SourcesController } from './sources.controller';
import { SourcesService } from './sources.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Source, OperatorSourceWeight]),
    DistributionModule,
    LifecycleModule,
  ],
  controllers: [SourcesController],
  providers: [SourcesService],
  exports: [SourcesService],
})
export class SourcesModule {}
