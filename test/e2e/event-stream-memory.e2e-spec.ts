import Database from 'better-sqlite3';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSse, type SseMessage } from '../utils/sse';
import { e2eOnPostgres } from '../utils/test-database';
import { eventually } from '../utils/eventually';

/**
 * Stalled clients of GET /events/stream must not cost the server the backlog they have not read:
 * the service runs as its own process (the sources through ts-node) so that its resident memory
 * is measured alone, and the clients are raw sockets that stop reading, so TCP's flow control
 * pushes back all the way to the server's writes.
 */
const STREAMS = 20;
const EVENTS = 6000;
const GROWTH_LIMIT = 50 * 1024 * 1024;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The process's resident set (Linux), in bytes. */
function rss(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * Samples `read` every 250 ms until the last 3 s of samples lie within 2 MB of each other;
 * returns the highest sample seen. Timing is under test here: memory has no state to wait on,
 * only a level that stops moving, so "settled" is defined over wall-clock time.
 */
async function settledPeak(read: () => number, timeoutMs: number): Promise<number> {
  const samples: { at: number; value: number }[] = [];
  let peak = 0;
  await eventually(
    () => {
      const now = Date.now();
      const value = read();
      peak = Math.max(peak, value);
      samples.push({ at: now, value });
      while (samples.length > 0 && samples[0].at < now - 3000) samples.shift();
      const values = samples.map((s) => s.value);
      return samples.length >= 10 && Math.max(...values) - Math.min(...values) < 2 << 20;
    },
    timeoutMs,
    'memory to settle',
    250,
  );
  return peak;
}

/** An SSE request on a raw socket; resolves once the first bytes of the answer arrived. */
function stalledStream(port: number, lastEventId: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET /events/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
          `Accept: text/event-stream\r\nLast-Event-ID: ${lastEventId}\r\n\r\n`,
      );
    });
    socket.once('data', (chunk: Buffer) => {
      // From here on nobody reads: the kernel's buffers fill, then the server's.
      socket.pause();
      socket.unshift(chunk);
      if (!chunk.toString('latin1').startsWith('HTTP/1.1 200')) {
        reject(new Error(`stream refused: ${chunk.toString('latin1').split('\r\n')[0]}`));
      }
      resolve(socket);
    });
  });
}

/** The body of a chunked HTTP response after its headers, decoded as it arrives. */
class ChunkedBody {
  private raw = Buffer.alloc(0);
  private headersDone = false;
  /** Bytes of the current chunk's data still to come; -1 while a size line is awaited. */
  private dataLeft = -1;
  private readonly decoder = new TextDecoder();

  /** Takes the next bytes off the socket; returns the text they complete. */
  push(chunk: Buffer): string {
    this.raw = Buffer.concat([this.raw, chunk]);
    if (!this.headersDone) {
      const end = this.raw.indexOf('\r\n\r\n');
      if (end < 0) return '';
      this.raw = this.raw.subarray(end + 4);
      this.headersDone = true;
    }
    let text = '';
    for (;;) {
      if (this.dataLeft < 0) {
        const eol = this.raw.indexOf('\r\n');
        if (eol < 0) return text;
        this.dataLeft = parseInt(this.raw.subarray(0, eol).toString('latin1'), 16);
        this.raw = this.raw.subarray(eol + 2);
      }
      const take = Math.min(this.dataLeft, this.raw.length);
      text += this.decoder.decode(this.raw.subarray(0, take), { stream: true });
      this.raw = this.raw.subarray(take);
      this.dataLeft -= take;
      // The CRLF after the chunk's data.
      if (this.dataLeft > 0 || this.raw.length < 2) return text;
      this.raw = this.raw.subarray(2);
      this.dataLeft = -1;
    }
  }
}

/** Reads a stalled socket to event `lastId`; returns the messages, in order. */
function readUntil(socket: Socket, lastId: number, timeoutMs: number): Promise<SseMessage[]> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    const body = new ChunkedBody();
    let buffer = '';
    const lastSeen = () => messages[messages.length - 1]?.id ?? 'none';
    const timer = setTimeout(() => {
      socket.removeAllListeners('data');
      reject(new Error(`got ${messages.length} messages in ${timeoutMs} ms, last ${lastSeen()}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      const parsed = parseSse(buffer + body.push(chunk));
      buffer = parsed.rest;
      messages.push(...parsed.messages);
      if (Number(lastSeen()) >= lastId) {
        clearTimeout(timer);
        socket.removeAllListeners('data');
        socket.pause();
        resolve(messages);
      }
    });
    socket.resume();
  });
}

(e2eOnPostgres ? describe.skip : describe)('GET /events/stream with stalled clients (e2e)', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  const sockets: Socket[] = [];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lds-stream-memory-'));
  });
  afterAll(async () => {
    sockets.forEach((s) => s.destroy());
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child!.once('exit', resolve);
        child!.kill('SIGKILL');
      });
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(`${STREAMS} clients resuming from 0 that never read grow the server by under 50 MB`, async () => {
    const sqlitePath = join(dir, 'crm.sqlite');
    const port = await freePort();
    child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(__dirname, '../../src/main.ts')],
      {
        env: {
          ...process.env,
          SQLITE_PATH: sqlitePath,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'fatal',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const pid = child.pid!;
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      async () => (await fetch(`${url}/health`).catch(() => undefined))?.ok === true,
      60000,
      'the service to start',
    );

    // One real request (about 1 KB per event with its message), copied to EVENTS events.
    const post = async (path: string, body: unknown) => {
      const response = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as { id: number };
    };
    const source = await post('/sources', { name: 'memory' });
    await post('/requests', {
      lead_external_id: 'memory-1',
      source_id: source.id,
      message: 'A question about the plan, the invoice and the delivery date. '.repeat(10),
    });
    const db = new Database(sqlitePath);
    try {
      db.pragma('busy_timeout = 5000');
      const { stored } = db.prepare('SELECT COUNT(*) AS stored FROM request_events').get() as {
        stored: number;
      };
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO request_events
           (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger,
            actor, request, created_at)
         SELECT 'evt_MEMORY' || printf('%020d', n.i), e.request_id, e.source_id, e.type,
                e.operator_id, e.previous_operator_id, e.trigger, e.actor, e.request, e.created_at
         FROM n, (SELECT * FROM request_events ORDER BY id LIMIT 1) e`,
      ).run(EVENTS - stored);
    } finally {
      db.close();
    }

    // A client that reads gets the whole backlog, in order; it also warms the code paths up.
    const reader = await stalledStream(port, 0);
    const all = await readUntil(reader, EVENTS, 30000);
    reader.destroy();
    expect(all.map((m) => Number(m.id))).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));

    const before = await settledPeak(() => rss(pid), 30000);
    for (let i = 0; i < STREAMS; i++) sockets.push(await stalledStream(port, 0));
    const peak = await settledPeak(() => rss(pid), 60000);
    const growth = peak - before;
    console.log(
      `RSS ${(before / 2 ** 20).toFixed(0)} MB -> ${(peak / 2 ** 20).toFixed(0)} MB ` +
        `with ${STREAMS} stalled streams (+${(growth / 2 ** 20).toFixed(1)} MB)`,
    );
    expect(growth).toBeLessThan(GROWTH_LIMIT);

    // A stalled client that reads again gets the rest, without a gap.
    const late = await readUntil(sockets[0], EVENTS, 30000);
    expect(late.map((m) => Number(m.id))).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
  }, 180000);
});
