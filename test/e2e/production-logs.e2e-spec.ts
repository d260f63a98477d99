import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../utils/eventually';
import { createTestDatabase, e2eOnPostgres, TestDatabase } from '../utils/test-database';

const root = join(__dirname, '..', '..');

/** The real entry point (src/main.ts, transpiled on the fly), as `npm start` runs it. */
class ServiceProcess {
  readonly lines: string[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  /** `cwd`: an empty directory, so that no .env file is read. */
  constructor(env: Record<string, string>, cwd: string) {
    const main = join(root, 'src', 'main.ts');
    this.child = spawn(process.execPath, ['-r', require.resolve('ts-node/register'), main], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '',
        TS_NODE_TRANSPILE_ONLY: '1',
        TS_NODE_PROJECT: join(root, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop()!;
      this.lines.push(...parts.filter((line) => line.length > 0));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.child.stderr!.resume();
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The first stdout line (parsed) that matches, waiting at most `ms`. */
  async waitFor(
    match: (line: Record<string, any>) => boolean,
    ms = 45_000,
  ): Promise<Record<string, any>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.lines.map(parse).find((line) => line !== undefined && match(line));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`no matching log line within ${ms} ms; got:\n${this.lines.join('\n')}`);
      }
      // Until the next line arrives; the timer only bounds the wait by the deadline.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

const parse = (line: string): Record<string, any> | undefined => {
  try {
    return JSON.parse(line) as Record<string, any>;
  } catch {
    return undefined;
  }
};

describe('Production logs (e2e, the real entry point)', () => {
  let database: TestDatabase;
  let cwd: string;
  let service: ServiceProcess | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
    cwd = mkdtempSync(join(tmpdir(), 'lds-logs-'));
  });

  afterEach(async () => {
    if (service) {
      service.kill('SIGKILL');
      await service.exited;
      service = undefined;
    }
    rmSync(cwd, { recursive: true, force: true });
    await database.drop();
  });

  it('writes JSON from the first line, one start line, and the shutdown with its signal and in-flight requests', async () => {
    service = new ServiceProcess(
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_API_KEYS: 'logs-admin-key-000000001',
        DISTRIBUTION_STRATEGY: 'weighted-round-robin',
        ...database.env,
      },
      cwd,
    );
    const started = await service.waitFor((line) => line.context === 'Bootstrap');

    // Nest's own bootstrap lines come first, and they are JSON too.
    expect(service.lines.length).toBeGreaterThan(10);
    for (const line of service.lines) expect(parse(line)).toBeDefined();
    expect(parse(service.lines[0])).toMatchObject({ context: 'NestFactory', level: 30 });

    expect(service.lines.filter((line) => parse(line)?.context === 'Bootstrap')).toHaveLength(1);
    expect(started).toMatchObject({
      level: 30,
      // A team lead's first look: where the console and the API docs are.
      msg: expect.stringMatching(
        / on http:\/\/[^ ]+: console at http:\/\/\S+\/console, API docs at http:\/\/\S+\/docs$/,
      ),
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      strategy: 'weighted-round-robin',
      auth: 'on',
      migrations: {
        applied: expect.arrayContaining(['InitialSchema1764072000000']),
        total: expect.any(Number),
      },
    });
    // A fresh database: this start applied every migration the build knows.
    expect(started.migrations.applied).toHaveLength(started.migrations.total);
    if (e2eOnPostgres) {
      const url = new URL(database.env.DATABASE_URL);
      expect(started.database).toEqual({
        type: 'postgres',
        host: url.hostname,
        port: Number(url.port || 5432),
        database: url.pathname.slice(1),
      });
    } else {
      expect(started.database).toEqual({ type: 'sqlite', path: database.env.SQLITE_PATH });
    }
    const startLine = service.lines.find((line) => parse(line)?.context === 'Bootstrap')!;
    expect(startLine).not.toMatch(/postgres:\/\/|logs-admin-key/);

    // One request in flight: its body never completes.
    const { port } = new URL(started.url as string);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        'X-API-Key: logs-admin-key-000000001\r\nContent-Length: 100\r\n\r\n{"lead_',
    );
    // The service counts it once its headers are in (this scrape is the other request in flight).
    await eventually(
      async () => {
        const metrics = await fetch(`${started.url}/metrics`, {
          headers: { 'x-api-key': 'logs-admin-key-000000001' },
        });
        return /^http_requests_in_flight 2$/m.test(await metrics.text());
      },
      15_000,
      'the unfinished request to be in flight',
    );

    service.kill('SIGTERM');
    const stopping = await service.waitFor((line) => line.context === 'Shutdown');
    expect(stopping).toMatchObject({ signal: 'SIGTERM', inFlightRequests: 1 });
    socket.destroy();
    await service.waitFor((line) => line.msg === 'Stopped');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      service.exited,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('did not exit')), 15_000);
      }),
    ]).finally(() => clearTimeout(timer));
    for (const line of service.lines) expect(parse(line)).toBeDefined();
    service = undefined;
  });

  it('logs no error when clients go away: a closed live stream, a load stopped mid-flight', async () => {
    const key = 'logs-admin-key-000000002';
    service = new ServiceProcess(
      {
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_API_KEYS: key,
        ...database.env,
      },
      cwd,
    );
    const started = await service.waitFor((line) => line.context === 'Bootstrap');
    const url = started.url as string;
    const { port } = new URL(url);
    // Nest's route mapping lines are for debugging, not for every start.
    expect(
      service.lines.map(parse).filter((line) => /^Route(sResolver|rExplorer)$/.test(line?.context)),
    ).toEqual([]);

    const api = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-api-key': key },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(response.ok).toBe(true);
      return (await response.json()) as { id: number };
    };
    const operator = await api('POST', '/operators', { name: 'Ann', max_load: 100000 });
    const source = await api('POST', '/sources', { name: 'Bot' });
    await api('POST', `/sources/${source.id}/weights`, [{ operator_id: operator.id, weight: 1 }]);
    const intake = (id: string) => JSON.stringify({ lead_external_id: id, source_id: source.id });

    // A console tab: the stream opens, an event arrives, the tab closes.
    const tab = new AbortController();
    const stream = await fetch(`${url}/events/stream`, {
      headers: { 'x-api-key': key },
      signal: tab.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    await api('POST', '/requests', JSON.parse(intake('streamed')));
    await reader.read();
    tab.abort();
    await reader.read().catch(() => undefined);

    // A load generator stopped mid-flight: requests sent in full, connections cut before the
    // answer, or right after it.
    const cut = (id: string, afterAnswer: boolean) =>
      new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => resolve());
        socket.once('connect', () => {
          const body = intake(id);
          socket.write(
            `POST /requests HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
              `X-API-Key: ${key}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
          if (afterAnswer) {
            socket.once('data', () => {
              socket.destroy();
              resolve();
            });
          } else {
            setImmediate(() => {
              socket.destroy();
              resolve();
            });
          }
        });
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => cut(`load-${i}`, i % 2 === 0)));
    await service.waitFor((line) => line.msg === 'request aborted');
    // Every intake the service logged (answered or cut) is stored: none is still running, with an
    // error yet to come. Then one more request: its line comes after anything written before it.
    const postsLogged = () =>
      service!.lines
        .map(parse)
        .filter((line) => line?.req?.method === 'POST' && line?.req?.url === '/requests').length;
    await eventually(async () => {
      const stats = (await (
        await fetch(`${url}/requests/distribution/stats`, { headers: { 'x-api-key': key } })
      ).json()) as Array<{ source_id: number; total_requests: number }>;
      const stored = stats.find((s) => s.source_id === source.id)?.total_requests;
      expect(stored).toBe(postsLogged());
    }, 15_000);
    await fetch(`${url}/health`, { headers: { 'x-request-id': 'logs-last' } });
    await service.waitFor((line) => line.req?.id === 'logs-last');

    const errors = service.lines.map(parse).filter((line) => (line?.level ?? 0) >= 50);
    expect(errors).toEqual([]);
    // The stream's end is still written, below error.
    expect(
      service.lines.map(parse).find((line) => line?.req?.url === '/events/stream'),
    ).toMatchObject({ level: 30, msg: 'request aborted' });
  });
});
