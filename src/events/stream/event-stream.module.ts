import { Module } from '@nestjs/common';
import { EventStreamController } from './event-stream.controller';
import { EventStreamService } from './event-stream.service';

/** GET /events/stream: the request events as Server-Sent Events, read from the database. */
@Module({
  controllers: [EventStreamController],
  providers: [EventStreamService],
  exports: [EventStreamService],
})
export class EventStreamModule {}
