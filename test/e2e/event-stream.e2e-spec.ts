import { Client } from 'pg';
import request from 'supertest';
import { given } from '../factories';
import { createTestApp, TestApp } from '../utils/create-test-app';
import { createTestDatabase, e2eOnPostgres, TestDatabase } from '../utils/test-database';
import { openSse, SseClient, SseMessage } from '../utils/sse';

const ADMIN = 'admin-key-for-stream-0001';
const admin = { Authorization: `Bearer ${ADMIN}` };

const body = (message: SseMessage) => JSON.parse(message.data);

describe('GET /events/stream (e2e)', () => {
  let t: TestApp;
  const streams: SseClient[] = [];
  const open = async (headers: Record<string, string> = {}, app = t) => {
    const client = await openSse(`${app.url}/events/stream`, { ...admin, ...headers });
    streams.push(client);
    return client;
  };
  const as = () => given({ ...t, http: () => withAdmin(t) });

  beforeAll(async () => {
    t = await createTestApp({ env: { ADMIN_API_KEYS: ADMIN } });
  });
  afterEach(() => streams.splice(0).forEach((s) => s.close()));
  afterAll(() => t.close());

  it('needs an admin key: 401 without one, 403 for an intake key', async () => {
    expect((await openSse(`${t.url}/events/stream`)).status).toBe(401);
    const source = await as().source();
    const { body: key } = await withAdmin(t).post(`/sources/${source.id}/keys`).expect(201);
    const intake = await openSse(`${t.url}/events/stream`, {
      Authorization: `Bearer ${key.key}`,
    });
    expect(intake.status).toBe(403);
  });

  it('streams every request event as it commits, with id, event type and the webhook body', async () => {
    const operator = await as().operator({ max_load: 5 });
    const source = await as().source();
    await as().weights(source.id, [{ operator_id: operator.id, weight: 1 }]);
    const stream = await open();
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const request = await as().request(source.id);
    const [created, assigned] = await stream.waitFor(2, 2000);
    expect(created.event).toBe('request.created');
    expect(assigned.event).toBe('request.assigned');
    expect(Number(assigned.id)).toBeGreaterThan(Number(created.id));
    expect(body(assigned)).toEqual({
      id: expect.stringMatching(/^evt_/),
      type: 'request.assigned',
      created_at: expect.any(String),
      data: {
        request: expect.objectContaining({ id: request.id, operator_id: operator.id }),
        previous_operator_id: null,
        trigger: 'intake',
      },
    });

    await withAdmin(t).patch(`/requests/${request.id}/status?status=closed`).expect(200);
    const [, , closed] = await stream.waitFor(3, 2000);
    expect(closed.event).toBe('request.closed');
    expect(body(closed).data.request.status).toBe('closed');
  });

  it('starts with the next event without Last-Event-ID, and resumes right after it with one', async () => {
    const source = await as().source();
    const first = await open();
    await as().request(source.id); // created + waiting (nobody configured)
    await as().request(source.id);
    const seen = await first.waitFor(4, 2000);
    expect(seen.map((m) => m.event)).toEqual([
      'request.created',
      'request.waiting',
      'request.created',
      'request.waiting',
    ]);
    first.close();

    // Reconnect after the first event: the other three come again, in order, and nothing else.
    const resumed = await open({ 'Last-Event-ID': seen[0].id! });
    const again = await resumed.waitFor(3, 2000);
    expect(again.map((m) => m.id)).toEqual(seen.slice(1).map((m) => m.id));
    expect(again.map((m) => body(m).id)).toEqual(seen.slice(1).map((m) => body(m).id));

    // A fresh stream without Last-Event-ID does not replay the past.
    const fresh = await open();
    await as().request(source.id);
    const next = await fresh.waitFor(2, 2000);
    expect(Number(next[0].id)).toBeGreaterThan(Number(seen[3].id));
  });

  it('refuses a Last-Event-ID that is not a number', async () => {
    const stream = await openSse(`${t.url}/events/stream`, { ...admin, 'Last-Event-ID': 'abc' });
    expect(stream.status).toBe(400);
  });

  it('ends open streams on shutdown instead of holding up the stop', async () => {
    const other = await createTestApp();
    const stream = await openSse(`${other.url}/events/stream`);
    expect(stream.status).toBe(200);
    const started = Date.now();
    const stopped = other.stop();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(1000);
    await stopped;
    await other.database.drop();
  });
});

(e2eOnPostgres ? describe : describe.skip)('GET /events/stream on several instances (e2e)', () => {
  let database: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = { ADMIN_API_KEYS: ADMIN };
    a = await createTestApp({ database, env });
    b = await createTestApp({ database, env });
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.drop();
  });

  it('a stream on instance B carries the events made on instance A within 2 s', async () => {
    const operator = await given({ ...a, http: () => withAdmin(a) }).operator();
    const source = await given({ ...a, http: () => withAdmin(a) }).source();
    await given({ ...a, http: () => withAdmin(a) }).weights(source.id, [
      { operator_id: operator.id, weight: 1 },
    ]);
    const onB = await openSse(`${b.url}/events/stream`, admin);
    try {
      const started = Date.now();
      const request = await given({ ...a, http: () => withAdmin(a) }).request(source.id);
      const [created, assigned] = await onB.waitFor(2, 2000);
      expect(Date.now() - started).toBeLessThan(2000);
      expect([created.event, assigned.event]).toEqual(['request.created', 'request.assigned']);
      expect(body(assigned).data.request).toMatchObject({
        id: request.id,
        operator_id: operator.id,
      });
    } finally {
      onB.close();
    }
  });

  it('sends an event whose transaction commits after later ones, and resumes below it', async () => {
    const as = () => given({ ...a, http: () => withAdmin(a) });
    const source = await as().source();
    const stream = await openSse(`${b.url}/events/stream`, admin);
    const late = new Client({ connectionString: database.env.DATABASE_URL });
    try {
      const first = await as().request(source.id); // created, waiting
      await stream.waitFor(2, 2000);

      // A transaction takes the next id and stays open while later events commit.
      await late.connect();
      await late.query('BEGIN');
      const { rows } = await late.query(
        `INSERT INTO request_events
           (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger,
            actor, request, created_at)
         SELECT 'evt_LATE', request_id, source_id, 'closed', NULL, NULL, NULL, 'admin', request,
                created_at
         FROM request_events WHERE request_id = $1 ORDER BY id LIMIT 1
         RETURNING id`,
        [first.id],
      );
      const lateId = Number(rows[0].id);
      await as().request(source.id);
      const four = await stream.waitFor(4, 2000);
      expect(Number(four[2].id)).toBe(lateId - 1); // resume below the open transaction
      expect(Number(four[3].id)).toBe(lateId - 1);

      await late.query('COMMIT');
      const five = await stream.waitFor(5, 2500);
      expect(body(five[4]).id).toBe('evt_LATE');
      expect(Number(five[4].id)).toBe(lateId + 2);

      // Reconnecting where the stream said before the commit misses nothing.
      const resumed = await openSse(`${b.url}/events/stream`, {
        ...admin,
        'Last-Event-ID': four[3].id!,
      });
      const again = await resumed.waitFor(3, 2000);
      resumed.close();
      expect(again.map((m) => body(m).id).sort()).toEqual(
        [body(four[2]).id, body(four[3]).id, 'evt_LATE'].sort(),
      );
    } finally {
      stream.close();
      await late.end().catch(() => undefined);
    }
  });

  it('a stream opened while a lower id is uncommitted gets that event when it commits', async () => {
    const as = () => given({ ...a, http: () => withAdmin(a) });
    const source = await as().source();
    const first = await as().request(source.id);
    const late = new Client({ connectionString: database.env.DATABASE_URL });
    const streams: SseClient[] = [];
    try {
      // A transaction takes the next id and stays open...
      await late.connect();
      await late.query('BEGIN');
      const { rows } = await late.query(
        `INSERT INTO request_events
           (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger,
            actor, request, created_at)
         SELECT 'evt_OPEN_BEFORE', request_id, source_id, 'closed', NULL, NULL, NULL, 'admin',
                request, created_at
         FROM request_events WHERE request_id = $1 ORDER BY id LIMIT 1
         RETURNING id`,
        [first.id],
      );
      const lateId = Number(rows[0].id);
      // ...while instance A commits higher ids: the newest event is above the open one.
      const second = await as().request(source.id);
      const { body: history } = await withAdmin(a).get(`/requests/${second.id}/events`);
      expect(Math.min(...history.map((e: { id: number }) => e.id))).toBeGreaterThan(lateId);

      // Fresh streams on both instances, opened before the lower id commits.
      for (const app of [a, b]) streams.push(await openSse(`${app.url}/events/stream`, admin));
      await late.query('COMMIT');
      const third = await as().request(source.id);

      for (const stream of streams) {
        // The late event and the two of the request made after it; nothing from before.
        const messages = await stream.waitFor(3, 3000);
        const ids = messages.map((m) => body(m).id);
        expect(ids).toContain('evt_OPEN_BEFORE');
        expect(
          messages.filter((m) => body(m).data.request.id === third.id).map((m) => m.event),
        ).toEqual(['request.created', 'request.waiting']);
        expect(messages.some((m) => body(m).data.request.id === second.id)).toBe(false);
      }
    } finally {
      streams.forEach((s) => s.close());
      await late.end().catch(() => undefined);
    }
  });
});

/** supertest bound to the app, with the admin key on every call. */
function withAdmin(app: TestApp) {
  return request.agent(app.url).set(admin);
}
