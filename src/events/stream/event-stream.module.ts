import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RequestEvent } from '../../requests/entities/request-event.entity';
import { EventStreamController } from './event-stream.controller';
import { EventStreamService } from './event-stream.service';

/** GET /events/stream: the request events as Server-Sent Events, read from the database. */
@Module({
  imports: [TypeOrmModule.forFeature([RequestEvent])],
  controllers: [EventStreamController],
  providers: [EventStreamService],
  exports: [EventStreamService],
})
export class EventStreamModule {}
