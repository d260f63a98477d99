import { Global, Module } from '@nestjs/common';
import { EventNotifier } from './event-notifier';

@Global()
@Module({ providers: [EventNotifier], exports: [EventNotifier] })
export class EventsModule {}
