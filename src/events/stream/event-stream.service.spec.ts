import { FindOperator, type Repository } from 'typeorm';
import type { RequestEvent } from '../../requests/entities/request-event.entity';
import { EventNotifier } from '../event-notifier';
import { EventStreamService, type StreamSink } from './event-stream.service';

/** request_events rows 1..n, read through the two queries the service makes. */
function fakeEvents(count: number, type: 'sqlite' | 'postgres' = 'sqlite') {
  const rows: RequestEvent[] = Array.from({ length: count }, (_, i) => row(i + 1));
  const repository = {
    manager: { connection: { options: { type } } },
    find: jest.fn(
      (options: {
        where?: { id: FindOperator<number> };
        order: { id: 'ASC' | 'DESC' };
        take?: number;
      }) => {
        let result = [...rows];
        const id = options.where?.id;
        if (id?.type === 'moreThan') result = result.filter((r) => r.id > id.value);
        if (id?.type === 'in') {
          const wanted = id.value as unknown as number[];
          result = result.filter((r) => wanted.includes(r.id));
        }
        result.sort((a, b) => (options.order.id === 'ASC' ? a.id - b.id : b.id - a.id));
        return Promise.resolve(result.slice(0, options.take ?? result.length));
      },
    ),
  };
  return { rows, repository: repository as unknown as Repository<RequestEvent> };
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

function sink() {
  const chunks: string[] = [];
  const target: StreamSink & { chunks: string[]; ended: boolean; text(): string } = {
    chunks,
    ended: false,
    write: (chunk: string) => chunks.push(chunk),
    end: () => (target.ended = true),
    text: () => chunks.join(''),
  };
  return target;
}

const ids = (text: string) => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));

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
});
