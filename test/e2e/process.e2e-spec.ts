import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../utils/eventually';

/**
 * The service as an operator runs it: `npm start` (which builds when the sources changed), and
 * `node scripts/start.js` with bad settings. Every wait is bounded.
 */
const root = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 150_000; // includes a build when dist/ is stale
const STOP_TIMEOUT_MS = 20_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const waitFor = (condition: () => unknown, ms: number, what: string) =>
  eventually(condition, ms, what, 200);

function exited(child: ChildProcess, ms: number): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve(child.exitCode ?? child.signalCode);
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not exit within ${ms} ms`)), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? signal);
    });
  });
}

/** Kills whatever is left of a detached process group (only ours). */
function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

// One process-level run is enough: these tests do not depend on the database under test.
const once = process.env.E2E_DATABASE === 'postgres' ? describe.skip : describe;

once('The service process (e2e)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lds-process-'));
    writeFileSync(join(dir, 'a-file'), ''); // a folder that cannot be created under it
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const npm = process.env.npm_execpath;
  const npmCommand = (): [string, string[]] =>
    npm && npm.endsWith('.js') ? [process.execPath, [npm, 'start']] : ['npm', ['start']];

  it.each(['SIGTERM', 'SIGINT'] as const)(
    '`npm start` passes %s on: the server stops, nothing is left listening',
    async (signal) => {
      const port = await freePort();
      const [command, args] = npmCommand();
      const child = spawn(command, args, {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          SQLITE_PATH: join(dir, `${signal}.sqlite`),
          NODE_ENV: 'production',
          LOG_LEVEL: 'info',
        },
      });
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      try {
        await waitFor(() => accepts(port), START_TIMEOUT_MS, `the server on port ${port}`);
        child.kill(signal); // npm itself, as a terminal or a supervisor would
        await exited(child, STOP_TIMEOUT_MS);
        await waitFor(async () => !(await accepts(port)), STOP_TIMEOUT_MS, 'the port to close');
      } catch (error) {
        throw new Error(`${(error as Error).message}\n--- output ---\n${output.slice(-3000)}`);
      } finally {
        killGroup(child);
      }
    },
    START_TIMEOUT_MS + 3 * STOP_TIMEOUT_MS,
  );

  it(
    'a second process on the same SQLite file stops at once with one line naming SQLITE_PATH; the first keeps serving',
    async () => {
      const file = join(dir, 'shared.sqlite');
      const started: Array<{ child: ChildProcess; output: { stderr: string } }> = [];
      const start = (env: Record<string, string>, cwd = root) => {
        const child = spawn(process.execPath, [join(root, 'scripts', 'start.js')], {
          cwd,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            npm_lifecycle_event: '',
            HOST: '127.0.0.1',
            NODE_ENV: 'production',
            LOG_LEVEL: 'warn',
            ...env,
          },
        });
        const output = { stderr: '' };
        child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
        started.push({ child, output });
        return { child, output };
      };
      const firstPort = await freePort();
      const first = start({ PORT: String(firstPort), SQLITE_PATH: file });
      try {
        await waitFor(() => accepts(firstPort), START_TIMEOUT_MS, 'the first server');
        const url = `http://127.0.0.1:${firstPort}`;
        // The same file under another spelling (relative to another working directory), as the
        // default data/crm.sqlite is relative.
        const second = start({ PORT: String(await freePort()), SQLITE_PATH: 'shared.sqlite' }, dir);
        expect(await exited(second.child, 30_000)).toBe(1);
        const lines = second.output.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^Invalid configuration: SQLITE_PATH "shared.sqlite" is in use by another process/,
        );

        // The first one never noticed.
        const created = await fetch(`${url}/operators`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Still here' }),
        });
        expect(created.status).toBe(201);
        expect((await fetch(`${url}/health`)).status).toBe(200);

        // The lock dies with its process, even with SIGKILL: the next start takes the file over.
        killGroup(first.child);
        await exited(first.child, STOP_TIMEOUT_MS);
        const thirdPort = await freePort();
        start({ PORT: String(thirdPort), SQLITE_PATH: file });
        await waitFor(
          () => accepts(thirdPort),
          START_TIMEOUT_MS,
          'the server after the first was killed',
        );
        const listed = await fetch(`http://127.0.0.1:${thirdPort}/operators`);
        expect(((await listed.json()) as Array<{ name: string }>).map((o) => o.name)).toEqual([
          'Still here',
        ]);
      } catch (error) {
        const log = started
          .map(
            ({ output }, i) => `\n--- process ${i + 1} stderr ---\n${output.stderr.slice(-2000)}`,
          )
          .join('');
        throw new Error(`${(error as Error).message}${log}`);
      } finally {
        started.forEach(({ child }) => killGroup(child));
      }
    },
    2 * START_TIMEOUT_MS + 3 * STOP_TIMEOUT_MS,
  );

  // A port another process holds, for the PORT case.
  const busy = createServer();
  let busyPort = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => busy.close(resolve)));

  it.each([
    ['TRUST_PROXY', () => ({ TRUST_PROXY: 'maybe' })],
    ['HOST', () => ({ HOST: 'not-a-host.invalid' })],
    ['SQLITE_PATH', () => ({ SQLITE_PATH: '/proc/crm.sqlite' })],
    ['SQLITE_SYNCHRONOUS', () => ({ SQLITE_SYNCHRONOUS: 'off' })],
    ['SQLITE_PATH', () => ({ SQLITE_PATH: join(dir, 'a-file', 'data', 'crm.sqlite') })],
    ['PORT', () => ({ PORT: String(busyPort), HOST: '127.0.0.1' })],
  ])(
    'stops at once with one line naming %s and no stack trace',
    async (variable, env) => {
      const child = spawn(process.execPath, [join(root, 'scripts', 'start.js')], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          npm_lifecycle_event: '',
          PORT: '0',
          SQLITE_PATH: join(dir, 'config.sqlite'),
          ...env(),
        },
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      try {
        expect(await exited(child, START_TIMEOUT_MS)).toBe(1);
      } finally {
        killGroup(child);
      }
      const lines = stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    },
    START_TIMEOUT_MS + STOP_TIMEOUT_MS,
  );

  it(
    'stops at once with one line naming DATABASE_URL, its host and the reason, never its password, when the database does not answer',
    async () => {
      const closedPort = await freePort(); // nothing listens there any more
      const child = spawn(process.execPath, [join(root, 'scripts', 'start.js')], {
        cwd: root,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          npm_lifecycle_event: '',
          PORT: '0',
          HOST: '127.0.0.1',
          NODE_ENV: 'production',
          DATABASE_URL: `postgres://crm:s3cret-pw@127.0.0.1:${closedPort}/crm`,
        },
      });
      let stderr = '';
      let stdout = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      try {
        expect(await exited(child, START_TIMEOUT_MS)).toBe(1);
      } finally {
        killGroup(child);
      }
      expect(stderr.trim().split('\n')).toEqual([
        `Invalid configuration: DATABASE_URL postgres://crm@127.0.0.1:${closedPort}/crm: connection refused (ECONNREFUSED)`,
      ]);
      expect(stdout + stderr).not.toContain('s3cret-pw');
      // Nothing logged a stack trace on the way.
      expect(stdout).not.toMatch(/"level":50|stack/);
    },
    START_TIMEOUT_MS + STOP_TIMEOUT_MS,
  );
});
