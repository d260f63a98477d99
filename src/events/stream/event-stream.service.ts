import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { RequestEvent } from '../../requests/entities/request-event.entity';
import { RequestEventsRepository } from '../../requests/request-events.repository';
import { EventNotifier } from '../event-notifier';
import { type RequestEventRecord, toPublicEvent } from '../request-event';

/** How often every open stream looks for events committed elsewhere (other instances). */
export const STREAM_POLL_MS = 1000;
/** A comment line this often keeps proxies and the browser from timing the stream out. */
export const STREAM_HEARTBEAT_MS = 15000;
/** Events read per query; a client far behind catches up in several reads. */
export const STREAM_BATCH = 200;
/**
 * At most this much text is written to a client at once; the next page is read only after the
 * connection has taken it ('drain'). With the response's own buffer mark (16 KiB) this is what a
 * client that stops reading can hold on the server, however far behind it is.
 */
export const STREAM_PAGE_BYTES = 256 * 1024;
/**
 * A client whose unsent data goes over this is closed (it reconnects with Last-Event-ID). Waiting
 * for 'drain' keeps every stream below it; this is the bound should a write ever skip the wait.
 */
export const STREAM_MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * PostgreSQL hands out ids when rows are inserted, not when they commit: an id skipped by a read
 * may belong to a transaction still open. It is looked for again for this long (longer than a
 * statement may run), then taken for a rolled-back one.
 */
export const STREAM_GAP_WAIT_MS = 30000;
/** Runs of skipped ids a stream remembers at most (see `send` for what happens beyond). */
export const STREAM_MAX_GAPS = 2000;
/**
 * A new stream (PostgreSQL) also waits for the ids missing among this many below the newest one:
 * transactions still open when it started may hold them (at 6 000 events/s, 1.6 s of events).
 */
export const STREAM_START_WINDOW = 10000;
/** Runs of skipped ids looked up per query. */
const GAPS_PER_QUERY = 100;

/** Where a stream writes: an Express response, or a stand-in with the same contract (tests). */
export interface StreamSink {
  /** false once the unsent data is over the sink's mark: write more only after 'drain'. */
  write(chunk: string): boolean;
  end(): unknown;
  /** Drops the connection, with whatever it has not sent. */
  destroy(): unknown;
  once(event: 'drain', listener: () => void): unknown;
  /** Bytes written and not yet handed to the connection. */
  readonly writableLength: number;
}

/** Ids from..to (inclusive) a stream read past before they were visible. */
interface Gap {
  from: number;
  to: number;
  /** When the stream first missed them. */
  since: number;
}

interface Client {
  sink: StreamSink;
  /** The highest request_events.id read. */
  cursor: number;
  /** Ids below the cursor not seen yet (PostgreSQL), in ascending order. */
  gaps: Gap[];
  /** The read running for this client; `again` asks it for one more round. */
  running?: Promise<number>;
  again: boolean;
  /** Waiting for 'drain': nothing is read or written for this client until it comes. */
  blocked: boolean;
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
 * commits of other instances. A stream reads a page, writes it, and reads the next only when the
 * client has taken it, so a slow or stalled client costs the server one page, not its backlog.
 * Streams end when the application shuts down.
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
    private readonly events: RequestEventsRepository,
    private readonly notifier: EventNotifier,
  ) {
    // Only ids that may commit out of order (PostgreSQL) leave gaps worth waiting for.
    this.tracksGaps = events.idsMayCommitOutOfOrder;
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
   * committed from now on (on PostgreSQL including those under ids below the newest one, from
   * transactions still open now). Writes the first bytes (and so the response's headers) once
   * that start is fixed. Returns the function that closes it (call it when the client leaves).
   */
  async open(sink: StreamSink, lastEventId?: number): Promise<() => void> {
    const newest = lastEventId === undefined ? undefined : await this.events.latestId();
    // An id from the future (another database, a reset) would wait forever: start from now.
    const start =
      lastEventId !== undefined && lastEventId <= newest!
        ? { cursor: lastEventId, gaps: [] }
        : await this.startNow();
    const client: Client = {
      sink,
      cursor: start.cursor,
      gaps: start.gaps,
      again: false,
      blocked: false,
      closed: false,
    };
    if (this.stopping) {
      sink.end();
      return () => undefined;
    }
    this.clients.add(client);
    // Tells the browser how soon to reconnect, and sends the headers.
    this.write(client, `retry: 2000\n: connected\n\n`);
    this.wake(client);
    return () => this.close(client);
  }

  /** Reads and sends whatever each open stream has not seen yet; resolves when all are sent. */
  async tick(): Promise<number> {
    const sent = await Promise.all([...this.clients].map((client) => this.pump(client)));
    return sent.reduce((sum, n) => sum + n, 0);
  }

  /**
   * Where a stream without Last-Event-ID starts: after the newest event, and, on PostgreSQL,
   * waiting (as for any gap) for the ids missing among the STREAM_START_WINDOW below it, which
   * transactions still open may hold. One statement, so one snapshot: an event either is in it
   * (and not sent) or commits after it (and is sent). At most half of STREAM_MAX_GAPS runs are
   * kept, the newest: an older hole is far more likely a rollback than an open transaction.
   */
  private async startNow(): Promise<{ cursor: number; gaps: Gap[] }> {
    const { newest, holes } = await this.events.startWindow(
      STREAM_START_WINDOW,
      Math.floor(STREAM_MAX_GAPS / 2),
    );
    const since = Date.now();
    return { cursor: newest, gaps: holes.map(({ from, to }) => ({ from, to, since })) };
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
      if (client.again && !client.closed && !client.blocked) this.wake(client);
    });
    return client.running;
  }

  /**
   * Sends the events after the cursor, a page at a time, stopping while the client has not taken
   * the last page (its 'drain' resumes it).
   *
   * Gap overflow: a stream tracks at most STREAM_MAX_GAPS runs of skipped ids. When a read finds
   * one more with no room left, the stream stops before that event and keeps its cursor there:
   * it goes on once earlier gaps are filled or expire (within STREAM_GAP_WAIT_MS), so the events
   * after it come late, and none is dropped unwaited for. (Closing the stream instead would not
   * help: the client resumes below the oldest gap and meets the same holes again.)
   */
  private async send(client: Client): Promise<number> {
    let sent = 0;
    do {
      client.again = false;
      if (client.closed || client.blocked) return sent;
      sent += await this.fillGaps(client);
      while (!client.closed && !client.blocked) {
        const rows = await this.events.listAfter(client.cursor, STREAM_BATCH);
        if (client.closed || rows.length === 0) break;
        const now = Date.now();
        let text = '';
        let taken = 0;
        let held = false;
        for (const row of rows) {
          const id = Number(row.id);
          if (this.tracksGaps && id > client.cursor + 1) {
            held = client.gaps.length >= STREAM_MAX_GAPS; // see above
            if (held) break;
            client.gaps.push({ from: client.cursor + 1, to: id - 1, since: now });
          }
          client.cursor = id;
          text += formatEvent(toRecord(row), this.resumeId(client));
          taken++;
          if (text.length >= STREAM_PAGE_BYTES) break;
        }
        if (taken > 0) this.write(client, text);
        sent += taken;
        // Held at a gap, or caught up: the next wake-up goes on.
        if (held || (taken === rows.length && rows.length < STREAM_BATCH)) break;
      }
    } while (client.again);
    return sent;
  }

  /** Sends the events that committed late under ids read past; forgets ids waited on too long. */
  private async fillGaps(client: Client): Promise<number> {
    let sent = 0;
    // Looks the runs up in order, GAPS_PER_QUERY at a time; `after` is where the last look ended.
    let after = 0;
    while (client.gaps.length > 0 && !client.closed && !client.blocked) {
      const runs = client.gaps.filter((gap) => gap.to > after).slice(0, GAPS_PER_QUERY);
      if (runs.length === 0) break;
      const late = await this.events.listInRanges(
        runs.map((gap) => ({ from: Math.max(gap.from, after + 1), to: gap.to })),
        STREAM_BATCH,
      );
      if (client.closed) return sent;
      for (const row of late) this.removeFromGaps(client, Number(row.id));
      if (late.length > 0) {
        const resumeId = this.resumeId(client);
        this.write(client, late.map((row) => formatEvent(toRecord(row), resumeId)).join(''));
        sent += late.length;
      }
      after = late.length === STREAM_BATCH ? Number(late[late.length - 1].id) : runs.at(-1)!.to;
    }
    // Only runs looked up in this pass may expire: a blocked client looks the rest up later.
    if (client.closed || client.blocked) return sent;
    const expired = Date.now() - STREAM_GAP_WAIT_MS;
    if (client.gaps.some((gap) => gap.since < expired)) {
      client.gaps = client.gaps.filter((gap) => gap.since >= expired);
    }
    return sent;
  }

  /** Takes one id that has now been seen out of the gaps, splitting its run. */
  private removeFromGaps(client: Client, id: number): void {
    const index = client.gaps.findIndex((gap) => gap.from <= id && id <= gap.to);
    if (index < 0) return;
    const gap = client.gaps[index];
    const parts: Gap[] = [];
    if (gap.from < id) parts.push({ from: gap.from, to: id - 1, since: gap.since });
    if (id < gap.to) parts.push({ from: id + 1, to: gap.to, since: gap.since });
    client.gaps.splice(index, 1, ...parts);
  }

  /**
   * The `id:` to send: the cursor, or, while an earlier id may still commit, the id just below the
   * lowest one awaited, so that a reconnect gets that one too.
   */
  private resumeId(client: Client): number {
    return client.gaps.length > 0 ? client.gaps[0].from - 1 : client.cursor;
  }

  /**
   * Writes to the client; past the sink's mark, stops the client until 'drain', and past
   * STREAM_MAX_BUFFERED_BYTES closes it.
   */
  private write(client: Client, text: string): void {
    const taken = client.sink.write(text);
    if (client.sink.writableLength > STREAM_MAX_BUFFERED_BYTES) {
      this.logger.warn('event stream closed: the client fell too far behind');
      this.close(client);
      return;
    }
    if (taken || client.blocked) return;
    client.blocked = true;
    client.sink.once('drain', () => {
      client.blocked = false;
      if (!client.closed) this.wake(client);
    });
  }

  /**
   * Writes a comment line to every open stream (proxies and browsers drop silent ones); a stream
   * waiting for 'drain' has data on the way already.
   */
  heartbeat(): void {
    for (const client of this.clients) {
      if (!client.blocked) this.write(client, `: keep-alive\n\n`);
    }
  }

  /** Ends the stream; one whose client does not read is cut, or its end would wait for it. */
  private close(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.clients.delete(client);
    if (client.blocked || client.sink.writableLength > 0) client.sink.destroy();
    else client.sink.end();
  }
}
