import { Global, Module } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoundRobinState } from '../distribution/entities/round-robin-state.entity';
import { RoundRobinStateRepository } from '../distribution/round-robin-state.repository';
import { OffersRepository } from '../offers/offers.repository';
import { Operator } from '../operators/entities/operator.entity';
import { OperatorEventsRepository } from '../operators/operator-events.repository';
import { OperatorsRepository } from '../operators/operators.repository';
import { LeadRequest } from '../requests/entities/request.entity';
import { RequestsRepository } from '../requests/requests.repository';
import { OperatorSourceWeight } from '../sources/entities/operator-source-weight.entity';
import { Source } from '../sources/entities/source.entity';
import { SourcesRepository } from '../sources/sources.repository';

const REPOSITORIES = [
  OperatorsRepository,
  OperatorEventsRepository,
  SourcesRepository,
  RequestsRepository,
  RoundRobinStateRepository,
  OffersRepository,
];

/**
 * The tables' repositories (each in its feature's folder), provided once for every module:
 * the lifecycle, distribution and the feature services all read and write the same tables, and
 * a repository holds no state, so one registration avoids a web of module imports.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature([
      Operator,
      Source,
      OperatorSourceWeight,
      LeadRequest,
      RoundRobinState,
    ]),
  ],
  providers: REPOSITORIES,
  exports: REPOSITORIES,
})
export class RepositoriesModule {}

/** The same repositories on one data source, for unit tests that build services by hand. */
export function createRepositories(dataSource: DataSource) {
  return {
    operators: new OperatorsRepository(dataSource.getRepository(Operator)),
    sources: new SourcesRepository(dataSource.getRepository(Source), dataSource),
    requests: new RequestsRepository(dataSource),
    roundRobin: new RoundRobinStateRepository(),
    offers: new OffersRepository(dataSource),
  };
}
