import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RequestEvent } from '../requests/entities/request-event.entity';
import { RequestEventsRepository } from '../requests/request-events.repository';
import { EventNotifier } from './event-notifier';

/**
 * The event log's plumbing, global: request_events is written by the lifecycle and read by the
 * requests' history and the console's stream.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([RequestEvent])],
  providers: [EventNotifier, RequestEventsRepository],
  exports: [EventNotifier, RequestEventsRepository],
})
export class EventsModule {}
