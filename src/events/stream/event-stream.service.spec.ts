import type { RequestEvent } from '../../requests/entities/request-event.entity';
import type { IdRange, RequestEventsRepository } from '../../requests/request-events.repository';
import { EventNotifier } from '../event-notifier';
import {
  EventStreamService,
  STREAM_GAP_WAIT_MS,
  STREAM_MAX_BUFFERED_BYTES,
  STREAM_MAX_GAPS,
  STREAM_PAGE_BYTES,
  type StreamSink,
} from './event-stream.service';

/**
 * request_events rows 1..n, read through the repository's methods the service calls: after a
 * cursor, in runs of ids, the newest id and, on PostgreSQL, the start window's holes.
 */
function fakeEvents(count: number, type: 'sqlite' | 'postgres' = 'sqlite') {
  const rows: RequestEvent[] = Array.from({ length: count }, (_, i) => row(i + 1));
  const inOrder = (matches: (id: number) => boolean, limit: number) =>
    Promise.resolve(
      rows
        .filter((r) => matches(r.id))
        .sort((a, b) => a.id - b.id)
        .slice(0, limit),
    );
  const newest = () => Math.max(0, ...rows.map((r) => r.id));
  const fake = {
    idsMayCommitOutOfOrder: type === 'postgres',
    latestId: jest.fn(() => Promise.resolve(newest())),
    listAfter: jest.fn((cursor: number, limit: number) => inOrder((id) => id > cursor, limit)),
    listInRanges: jest.fn((ranges: readonly IdRange[], limit: number) =>
      inOrder((id) => ranges.some((range) => range.from <= id && id <= range.to), limit),
    ),
    // The newest id, and (PostgreSQL) the newest runs of ids missing below it, ascending.
    startWindow: jest.fn((window: number, maxHoles: number) => {
      if (type === 'sqlite') return Promise.resolve({ newest: newest(), holes: [] });
      const low = Math.max(newest() - window, 0);
      const present = rows
        .map((r) => r.id)
        .filter((id) => id > low)
        .sort((a, b) => a - b);
      const holes: IdRange[] = [];
      present.forEach((id, i) => {
        const previous = i === 0 ? low : present[i - 1];
        if (id > previous + 1) holes.push({ from: previous + 1, to: id - 1 });
      });
      return Promise.resolve({ newest: newest(), holes: holes.slice(-maxHoles) });
    }),
  } satisfies Pick<
    RequestEventsRepository,
    'idsMayCommitOutOfOrder' | 'latestId' | 'listAfter' | 'listInRanges' | 'startWindow'
  >;
  /** How many times the events were read (the start aside). */
  const reads = () => fake.listAfter.mock.calls.length + fake.listInRanges.mock.calls.length;
  return { rows, reads, repository: fake as unknown as RequestEventsRepository };
}

function row(id: number): RequestEvent {
  return {
    id,
    eventId: `evt_${id}`,
    requestId: 100 + id,
    sourceId: 1,
    type: 'created',
    operatorId: null,
    previousOperatorId: null,
    trigger: null,
    actor: 'intake',
    request: JSON.stringify({ id: 100 + id, status: 'active' }),
    createdAt: new Date('2026-01-27T10:30:00.000Z'),
  };
}

/**
 * A client connection that sends everything at once; with `mark`, one whose client reads only
 * on `drain()`: it keeps what is written and says "wait" (false) once that much is unsent.
 */
function sink(mark = Infinity) {
  const chunks: string[] = [];
  const drains: (() => void)[] = [];
  const target = {
    chunks,
    ended: false,
    destroyed: false,
    writableLength: 0,
    write(chunk: string) {
      chunks.push(chunk);
      if (mark !== Infinity) target.writableLength += chunk.length;
      return target.writableLength < mark;
    },
    end: () => (target.ended = true),
    destroy: () => (target.destroyed = true),
    once: (_event: 'drain', listener: () => void) => drains.push(listener),
    drain() {
      target.writableLength = 0;
      drains.splice(0).forEach((listener) => listener());
    },
    text: () => chunks.join(''),
  };
  return target satisfies StreamSink;
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
const eventIds = (text: string) =>
  [...text.matchAll(/^data: \{"id":"evt_(\d+)"/gm)].map((m) => Number(m[1]));

describe(EventStreamService.name, () => {
  it('resumes right after Last-Event-ID, in order, as id/event/data messages', async () => {
    const { repository } = fakeEvents(5);
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client, 2);
    await sut.tick();
    expect(ids(client.text())).toEqual([3, 4, 5]);
    expect(client.text()).toContain(
      'id: 3\nevent: request.created\ndata: {"id":"evt_3","type":"request.created",',
    );
  });

  it('starts after the newest event without Last-Event-ID, then sends what commits next', async () => {
    const { rows, repository } = fakeEvents(3);
    const notifier = new EventNotifier();
    const sut = new EventStreamService(repository, notifier);
    sut.onApplicationBootstrap();
    const client = sink();
    await sut.open(client);
    await sut.tick();
    expect(ids(client.text())).toEqual([]);
    rows.push(row(4));
    await sut.tick();
    expect(ids(client.text())).toEqual([4]);
    sut.beforeApplicationShutdown();
  });

  it('starts from now when Last-Event-ID is beyond the newest event (another database)', async () => {
    const { rows, repository } = fakeEvents(3);
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client, 99);
    rows.push(row(4));
    await sut.tick();
    expect(ids(client.text())).toEqual([4]);
  });

  it('writes heartbeats as comments, and ends every stream on shutdown', async () => {
    const { repository } = fakeEvents(0);
    const sut = new EventStreamService(repository, new EventNotifier());
    const [a, b] = [sink(), sink()];
    await sut.open(a);
    await sut.open(b);
    sut.heartbeat();
    expect(a.text()).toMatch(/\n: keep-alive\n\n$/);
    expect(ids(a.text())).toEqual([]);
    sut.beforeApplicationShutdown();
    expect([a.ended, b.ended, sut.openStreams]).toEqual([true, true, 0]);
    const late = sink();
    await sut.open(late);
    expect(late.ended).toBe(true);
  });

  it('on PostgreSQL, sends an id that commits after later ones and resumes below it until then', async () => {
    const { rows, repository } = fakeEvents(4, 'postgres');
    rows.splice(1, 1); // id 2 is still in an open transaction
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client, 0);
    await sut.tick();
    expect(ids(client.text())).toEqual([1, 1, 1]); // events 1, 3, 4: resume after 1
    rows.push(row(2));
    await sut.tick();
    expect(client.text()).toMatch(/id: 4\nevent: request.created\ndata: \{"id":"evt_2"/);
  });

  it('on PostgreSQL, a new stream also gets ids below the newest one that commit after it opened', async () => {
    const { rows, repository } = fakeEvents(5, 'postgres');
    rows.splice(2, 1); // id 3 is still in an open transaction; 5 is the newest
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client);
    await sut.tick();
    expect(eventIds(client.text())).toEqual([]); // 1, 2, 4 and 5 were there before
    rows.push(row(3), row(6));
    await sut.tick();
    expect(eventIds(client.text()).sort()).toEqual([3, 6]);
    expect(ids(client.text())).toEqual([5, 6]); // nothing awaited anymore: resume after 5, 6
  });

  it('on PostgreSQL, waits for a hole of 20 000 ids like any other (none is dropped)', async () => {
    const { rows, repository } = fakeEvents(1, 'postgres');
    rows.push(row(20002)); // 2..20001 taken by transactions still open
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client, 0);
    await sut.tick();
    expect(eventIds(client.text())).toEqual([1, 20002]);
    expect(ids(client.text())).toEqual([1, 1]);
    rows.push(row(5000));
    await sut.tick();
    expect(eventIds(client.text())).toEqual([1, 20002, 5000]);
    expect(ids(client.text())).toEqual([1, 1, 1]); // 2..4999 and 5001..20001 still awaited
  });

  it('writes a page, then reads no more until the client took it (drain)', async () => {
    const { reads, repository } = fakeEvents(6000);
    const sut = new EventStreamService(repository, new EventNotifier());
    const mark = 16 * 1024;
    const client = sink(mark);
    await sut.open(client, 0);
    await sut.tick();
    await sut.tick(); // a poll while the client does not read
    const first = client.text();
    expect(first.length).toBeGreaterThan(mark);
    expect(first.length).toBeLessThan(mark + STREAM_PAGE_BYTES + 1024);
    expect(ids(first).length).toBeLessThan(6000);
    const readsSoFar = reads();
    await sut.tick();
    expect(reads()).toBe(readsSoFar);

    // Each drain lets one more page through, until the backlog is sent, in order.
    for (let round = 0; round < 1000 && !client.text().includes('"evt_6000"'); round++) {
      client.drain();
      await sut.tick();
      expect(client.writableLength).toBeLessThan(mark + STREAM_PAGE_BYTES + 1024);
    }
    expect(eventIds(client.text())).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
  });

  it('skips the heartbeat of a stream waiting for drain, and cuts it on shutdown', async () => {
    const { repository } = fakeEvents(2000);
    const sut = new EventStreamService(repository, new EventNotifier());
    const stalled = sink(1024);
    await sut.open(stalled, 0);
    await sut.tick();
    const written = stalled.text();
    sut.heartbeat();
    expect(stalled.text()).toBe(written);
    sut.beforeApplicationShutdown();
    expect([stalled.destroyed, stalled.ended, sut.openStreams]).toEqual([true, false, 0]);
  });

  it('closes a stream whose unsent data goes over the bound (the client resumes)', async () => {
    const { repository } = fakeEvents(3);
    const sut = new EventStreamService(repository, new EventNotifier());
    const client = sink();
    await sut.open(client, 0);
    client.writableLength = STREAM_MAX_BUFFERED_BYTES + 1; // as if a write had not waited
    await sut.tick();
    expect([client.destroyed, sut.openStreams]).toEqual([true, 0]);
  });

  it('on PostgreSQL, with STREAM_MAX_GAPS runs awaited, holds before the next hole until they fill or expire', async () => {
    const { rows, repository } = fakeEvents(0, 'postgres');
    // Odd ids only: every even id is a transaction still open, one more than can be tracked.
    for (let id = 1; id <= 2 * STREAM_MAX_GAPS + 3; id += 2) rows.push(row(id));
    const now = jest.spyOn(Date, 'now');
    const start = Date.now();
    try {
      now.mockReturnValue(start);
      const sut = new EventStreamService(repository, new EventNotifier());
      const client = sink();
      await sut.open(client, 0);
      await sut.tick();
      const sent = eventIds(client.text());
      expect(sent.at(-1)).toBe(2 * STREAM_MAX_GAPS + 1);
      expect(sent).not.toContain(2 * STREAM_MAX_GAPS + 3);
      expect(ids(client.text()).at(-1)).toBe(1); // resume after 1: 2 is awaited

      // One awaited id commits: it is sent, and the held event gets the room it freed.
      rows.push(row(2 * STREAM_MAX_GAPS));
      await sut.tick();
      expect(eventIds(client.text()).slice(-2)).toEqual([
        2 * STREAM_MAX_GAPS,
        2 * STREAM_MAX_GAPS + 3,
      ]);

      // A new hole waits again; once the runs expire (taken for rolled back) the stream goes on.
      rows.push(row(2 * STREAM_MAX_GAPS + 5));
      await sut.tick();
      expect(eventIds(client.text())).not.toContain(2 * STREAM_MAX_GAPS + 5);
      now.mockReturnValue(start + STREAM_GAP_WAIT_MS + 1);
      await sut.tick();
      await sut.tick();
      expect(eventIds(client.text()).at(-1)).toBe(2 * STREAM_MAX_GAPS + 5);
    } finally {
      now.mockRestore();
    }
  });
});
