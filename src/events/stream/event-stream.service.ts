import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { RequestEvent } from '../../requests/entities/request-event.entity';
import { EventNotifier } from '../event-notifier';
import { type RequestEventRecord, toPublicEvent } from '../request-event';

/** How often every open stream looks for events committed elsewhere (other instances). */
export const STREAM_POLL_MS = 1000;
/** A comment line this often keeps proxies and the browser from timing the stream out. */
export const STREAM_HEARTBEAT_MS = 15000;
/** Events read per query; a client far behind catches up in several reads. */
export const STREAM_BATCH = 500;
/**
 * PostgreSQL hands out ids when rows are inserted, not when they commit: an id skipped by a read
 * may belong to a transaction still open. It is looked for again for this long (longer than a
 * statement may run), then taken for a rolled-back one.
 */
export const STREAM_GAP_WAIT_MS = 30000;
const MAX_GAPS = 10000;

/** Where a stream writes: an Express response, or anything that takes text (tests). */
export interface StreamSink {
  write(chunk: string): unknown;
  end(): unknown;
}

interface Client {
  sink: StreamSink;
  /** The highest request_events.id read. */
  cursor: number;
  /** Ids below the cursor not seen yet (PostgreSQL), with when they were first missed. */
  gaps: Map<number, number>;
  /** The read running for this client; `again` asks it for one more round. */
  running?: Promise<number>;
  again: boolean;
  closed: boolean;
}

/**
 * One event in the text/event-stream format. `id:` is where to resume (Last-Event-ID): the
 * event's own request_events.id, or, while an earlier id may still commit, the id just below it,
 * so that a reconnect gets that one too (and may see again events it already has: `data.id`
 * tells them apart).
 */
export function formatEvent(record: RequestEventRecord, resumeId = record.id): string {
  const event = toPublicEvent(record);
  return `id: ${resumeId}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
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
  private readonly tracksGaps: boolean;
  private pollTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private stopping = false;

  constructor(
    @InjectRepository(RequestEvent) private readonly events: Repository<RequestEvent>,
    private readonly notifier: EventNotifier,
  ) {
    // SQLite has one writer: ids commit in order and a rolled-back insert leaves no gap.
    this.tracksGaps = events.manager.connection.options.type === 'postgres';
  }

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
    const latest = await this.latestId();
    // An id from the future (another database, a reset) would wait forever: start from now.
    const cursor = lastEventId !== undefined && lastEventId <= latest ? lastEventId : latest;
    const client: Client = {
      sink,
      cursor,
      gaps: new Map(),
      again: false,
      closed: false,
    };
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
    this.pump(client).catch((error: unknown) => {
      this.logger.warn(`event stream read failed: ${String(error)}`);
    });
  }

  /** Sends the client everything after its cursor; joins (and extends) a read in progress. */
  private pump(client: Client): Promise<number> {
    if (client.running) {
      client.again = true;
      return client.running;
    }
    client.running = this.send(client).finally(() => {
      client.running = undefined;
      // A wake-up between the last read and here would otherwise wait for the next poll.
      if (client.again && !client.closed) this.wake(client);
    });
    return client.running;
  }

  private async send(client: Client): Promise<number> {
    let sent = 0;
    do {
      client.again = false;
      sent += await this.fillGaps(client);
      for (;;) {
        if (client.closed) return sent;
        const rows = await this.events.find({
          where: { id: MoreThan(client.cursor) },
          order: { id: 'ASC' },
          take: STREAM_BATCH,
        });
        if (client.closed || rows.length === 0) break;
        const now = Date.now();
        let oldestGap = this.oldestGap(client);
        let text = '';
        for (const row of rows) {
          const id = Number(row.id);
          const width = id - client.cursor - 1;
          if (this.tracksGaps && width > 0 && client.gaps.size + width <= MAX_GAPS) {
            for (let missing = client.cursor + 1; missing < id; missing++) {
              client.gaps.set(missing, now);
            }
            oldestGap ??= client.cursor + 1;
          }
          client.cursor = id;
          text += formatEvent(toRecord(row), oldestGap === undefined ? id : oldestGap - 1);
        }
        client.sink.write(text);
        sent += rows.length;
        if (rows.length < STREAM_BATCH) break;
      }
    } while (client.again);
    return sent;
  }

  /** Sends the events that committed late under ids read past; forgets ids waited on too long. */
  private async fillGaps(client: Client): Promise<number> {
    if (client.gaps.size === 0) return 0;
    const late = await this.events.find({
      where: { id: In([...client.gaps.keys()].slice(0, STREAM_BATCH)) },
      order: { id: 'ASC' },
    });
    if (client.closed) return 0;
    for (const row of late) client.gaps.delete(Number(row.id));
    const expired = Date.now() - STREAM_GAP_WAIT_MS;
    for (const [id, since] of client.gaps) if (since < expired) client.gaps.delete(id);
    if (late.length > 0) {
      const oldestGap = this.oldestGap(client);
      const resumeId = oldestGap === undefined ? client.cursor : oldestGap - 1;
      client.sink.write(late.map((row) => formatEvent(toRecord(row), resumeId)).join(''));
    }
    return late.length;
  }

  /** The lowest id still awaited: a reconnect must resume below it to miss nothing. */
  private oldestGap(client: Client): number | undefined {
    let oldest: number | undefined;
    for (const id of client.gaps.keys()) oldest = oldest === undefined ? id : Math.min(oldest, id);
    return oldest;
  }

  /** Writes a comment line to every open stream (proxies and browsers drop silent ones). */
  heartbeat(): void {
    for (const client of this.clients) client.sink.write(`: keep-alive\n\n`);
  }

  private close(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client);
    client.sink.end();
  }
}
