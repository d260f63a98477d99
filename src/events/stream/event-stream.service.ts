import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, Repository } from 'typeorm';
import { RequestEvent } from '../../requests/entities/request-event.entity';
import { EventNotifier } from '../event-notifier';
import { type RequestEventRecord, toPublicEvent } from '../request-event';

/** How often every open stream looks for events committed elsewhere (other instances). */
export const STREAM_POLL_MS = 1000;
/** A comment line this often keeps proxies and the browser from timing the stream out. */
export const STREAM_HEARTBEAT_MS = 15000;
/** Events read per query; a client far behind catches up in several reads. */
export const STREAM_BATCH = 500;

/** Where a stream writes: an Express response, or anything that takes text (tests). */
export interface StreamSink {
  write(chunk: string): unknown;
  end(): unknown;
}

interface Client {
  sink: StreamSink;
  /** request_events.id of the last event sent. */
  cursor: number;
  /** A read for this client is running; `again` asks for one more right after it. */
  busy: boolean;
  again: boolean;
  closed: boolean;
}

/** One event in the text/event-stream format: `id:` is request_events.id (Last-Event-ID). */
export function formatEvent(record: RequestEventRecord): string {
  const event = toPublicEvent(record);
  return `id: ${record.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function toRecord(row: RequestEvent): RequestEventRecord {
  return {
    id: Number(row.id),
    eventId: row.eventId,
    requestId: row.requestId,
    sourceId: row.sourceId,
    type: row.type,
    operatorId: row.operatorId,
    previousOperatorId: row.previousOperatorId,
    trigger: row.trigger,
    actor: row.actor,
    request: JSON.parse(row.request) as RequestEventRecord['request'],
    createdAt: row.createdAt,
  };
}

/**
 * The console's live feed (GET /events/stream): every open stream reads request_events after its
 * own cursor from the database, so a client sees the events of every instance that writes there.
 * A commit in this process wakes the streams at once (EventNotifier); a short poll finds the
 * commits of other instances. Streams end when the application shuts down.
 */
@Injectable()
export class EventStreamService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EventStreamService.name);
  private readonly clients = new Set<Client>();
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopping = false;

  constructor(
    @InjectRepository(RequestEvent) private readonly events: Repository<RequestEvent>,
    private readonly notifier: EventNotifier,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.notifier.subscribe(() => this.wakeAll());
    this.pollTimer = setInterval(() => this.wakeAll(), STREAM_POLL_MS);
    this.pollTimer.unref();
    this.heartbeatTimer = setInterval(() => this.heartbeat(), STREAM_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  /** Ends every open stream, so that none holds the HTTP server open during a graceful stop. */
  beforeApplicationShutdown(): void {
    this.stopping = true;
    this.unsubscribe?.();
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    for (const client of [...this.clients]) this.close(client);
  }

  get openStreams(): number {
    return this.clients.size;
  }

  /**
   * Opens a stream that sends every event after `lastEventId`, or, without one, every event
   * committed from now on. Returns the function that closes it (call it when the client leaves).
   */
  async open(sink: StreamSink, lastEventId?: number): Promise<() => void> {
    const cursor = lastEventId ?? (await this.latestId());
    const client: Client = { sink, cursor, busy: false, again: false, closed: false };
    if (this.stopping) {
      sink.end();
      return () => undefined;
    }
    this.clients.add(client);
    // Tells the browser how soon to reconnect, and flushes the headers.
    sink.write(`retry: 2000\n: connected\n\n`);
    this.wake(client);
    return () => this.close(client);
  }

  /** Reads and sends whatever each open stream has not seen yet; resolves when all are sent. */
  async tick(): Promise<number> {
    const sent = await Promise.all([...this.clients].map((client) => this.pump(client)));
    return sent.reduce((sum, n) => sum + n, 0);
  }

  private async latestId(): Promise<number> {
    const [latest] = await this.events.find({
      select: { id: true },
      order: { id: 'DESC' },
      take: 1,
    });
    return latest ? Number(latest.id) : 0;
  }

  private wakeAll(): void {
    for (const client of this.clients) this.wake(client);
  }

  private wake(client: Client): void {
    if (client.busy) {
      client.again = true;
      return;
    }
    this.pump(client).catch((error: unknown) => {
      this.logger.warn(`event stream read failed: ${String(error)}`);
    });
  }

  /** Sends the client everything after its cursor, batch by batch. */
  private async pump(client: Client): Promise<number> {
    if (client.busy) {
      client.again = true;
      return 0;
    }
    client.busy = true;
    let sent = 0;
    try {
      do {
        client.again = false;
        for (;;) {
          if (client.closed) return sent;
          const rows = await this.events.find({
            where: { id: MoreThan(client.cursor) },
            order: { id: 'ASC' },
            take: STREAM_BATCH,
          });
          if (client.closed || rows.length === 0) break;
          client.sink.write(rows.map((row) => formatEvent(toRecord(row))).join(''));
          client.cursor = Number(rows[rows.length - 1].id);
          sent += rows.length;
          if (rows.length < STREAM_BATCH) break;
        }
      } while (client.again);
    } finally {
      client.busy = false;
    }
    return sent;
  }

  private heartbeat(): void {
    for (const client of this.clients) client.sink.write(`: keep-alive\n\n`);
  }

  private close(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client);
    client.sink.end();
  }
}
