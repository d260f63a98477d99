#!/usr/bin/env node
/**
 * Throughput and latency of GET /health and POST /requests on the built app (npm run bench builds
 * it), with production settings (NODE_ENV=production), one server at a time:
 *
 *   plain   LOG_LEVEL=warn, no API keys
 *   auth    ADMIN_API_KEYS set; POST /requests sent with a source intake key
 *   info    LOG_LEVEL=info (one JSON line per request)
 *   normal  SQLITE_SYNCHRONOUS=normal (not in the default set): the cost of a durable commit,
 *           against plain (synchronous FULL, the default), e.g. BENCH_VARIANTS=plain,normal
 *
 * When ../shared/bench (the benchmark kit beside this checkout) is there, the same run also measures
 * its `ceiling` (the smallest Nest + Express app with the same hot path) and `yardstick` (bare
 * node:http, same transaction), and prints the service's figures as ratios to them. Figures move a
 * lot from run to run on a shared machine: compare only figures of one run. The server's CPU time
 * per request (from /proc, on Linux) moves much less than req/s when other work shares the CPU.
 *
 * Load comes from wrk (C, light enough to share two cores) when it is installed, else autocannon.
 *
 * Options (env):
 *   BENCH_SECONDS (8)  BENCH_CONNECTIONS (50)  BENCH_VARIANTS (plain,auth,info)
 *   BENCH_WARMUP_SECONDS (5)  POST /requests load on each new server before anything is measured,
 *                      discarded: V8 compiles the hot path on background threads during the first
 *                      seconds, which takes a core from a two-core machine (and, with webhooks,
 *                      compiles the sending thread's code too); the figures are the steady state
 *   BENCH_ROUNDS (1)   the SQLite servers (variants, ceiling, yardstick) in turn this many times;
 *                      the summary then shows each figure's median over the rounds
 *   BENCH_KIT (../shared/bench; "none" to skip the ceiling and yardstick)
 *   BENCH_POSTGRES=1   then PostgreSQL, one and two instances (TEST_DATABASE_URL: admin URL)
 *   BENCH_WEBHOOKS=1   then SQLite without a webhook, with one active webhook to every event, and
 *                      with one to request.assigned only, to a local receiver: three servers
 *                      kept up, measured in turn for BENCH_WEBHOOK_SECONDS (5) each,
 *                      BENCH_WEBHOOK_ROUNDS times (1), with each phase's CPU per request by
 *                      thread (event loop, sending thread, the rest) and the receiver's, and each
 *                      round's ratio to the figure without a webhook; with
 *                      WEBHOOK_POLL_INTERVAL_MS=0 nothing is sent (outbox cost only)
 *   BENCH_STRATEGY     the new source's strategy (default: the service's default)
 *   BENCH_BASELINE     a checkout of another build (its dist/ built, its node_modules there):
 *                      measured as "service baseline plain" (and "service baseline PostgreSQL xN")
 *                      in each round right after this build's, for before/after figures of one
 *                      run, e.g. a `git worktree` of main before a change
 */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { createServer } = require('node:net');
const { setPriority, tmpdir } = require('node:os');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');
const seconds = Number(process.env.BENCH_SECONDS || 8);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const variants = (process.env.BENCH_VARIANTS || 'plain,auth,info').split(',').filter(Boolean);
const rounds = Number(process.env.BENCH_ROUNDS || 1);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const kit = process.env.BENCH_KIT === 'none' ? undefined : resolve(root, process.env.BENCH_KIT || '../shared/bench');
const hasKit = kit !== undefined && existsSync(join(kit, 'ceiling', 'main.js')) && existsSync(join(kit, 'yardstick', 'server.js'));
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const useWrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

// ---------------------------------------------------------------- servers

/** A port nobody listens on now (several people may benchmark on one machine). */
function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

async function startServer(args, env, cwd = root) {
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((r) => child.once('exit', r));
  return {
    url,
    cpuSeconds: () => cpuSeconds(child.pid),
    mainThreadCpuSeconds: () => cpuSeconds(child.pid, `/proc/${child.pid}/task/${child.pid}/stat`),
    // The webhook sending thread is the one the service runs at nice 10 (Linux).
    sendingThreadCpuSeconds: () => niceThreadsCpuSeconds(child.pid, 10),
    ready: waitFor(`${url}/health`, exited),
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
    },
  };
}

const startService = async (env, cwd = root) =>
  startServer(['dist/main.js'], { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env }, cwd);

const baseline = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined;
if (baseline && !existsSync(join(baseline, 'dist', 'main.js'))) {
  throw new Error(`BENCH_BASELINE: ${baseline}/dist/main.js is missing (build that checkout first)`);
}
/** This build, then the baseline's when one is given. */
const builds = [{ label: '', cwd: root }, ...(baseline ? [{ label: 'baseline ', cwd: baseline }] : [])];

/**
 * CPU time (user + system) the process (or, with its task file, its main thread: the event loop)
 * has used, in seconds; undefined where /proc is missing.
 */
function cpuSeconds(pid, file = `/proc/${pid}/stat`) {
  try {
    const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

/** CPU seconds of the threads of `pid` that run at nice `nice`; undefined where /proc is missing. */
function niceThreadsCpuSeconds(pid, nice) {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
      if (Number(fields[16]) === nice) total += (Number(fields[11]) + Number(fields[12])) / 100;
    }
    return total;
  } catch {
    return undefined;
  }
}

async function waitFor(url, exited) {
  let gone = false;
  exited.then(() => (gone = true));
  for (let i = 0; i < 300 && !gone; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Ten operators with room for the whole run, one source weighted 1..10 over them. */
async function setUp(url, { admin, intake } = {}) {
  const headers = admin ? { 'X-API-Key': ADMIN_KEY } : {};
  const strategy = process.env.BENCH_STRATEGY;
  const source = await post(`${url}/sources`, { name: `bench ${Date.now()}`, ...(strategy ? { strategy } : {}) }, headers);
  const weights = [];
  for (let i = 1; i <= 10; i++) {
    const op = await post(`${url}/operators`, { name: `op ${i}`, is_active: true, max_load: 100000 }, headers);
    weights.push({ operator_id: op.id, weight: i });
  }
  await post(`${url}/sources/${source.id}/weights`, weights, headers);
  const key = intake ? (await post(`${url}/sources/${source.id}/keys`, undefined, headers)).key : undefined;
  return { sourceId: source.id, key };
}

// ---------------------------------------------------------------- load

/** One phase of load: { rps, p50, p99 (ms), requests, non2xx, errors (socket errors and timeouts) }. */
async function load(url, path, request, duration = seconds) {
  return useWrk ? loadWithWrk(url, path, request, duration) : loadWithAutocannon(url, path, request, duration);
}

/** Unmeasured load on the hot path, so that what follows measures the server with its code compiled. */
async function warmUp(url, request) {
  if (warmupSeconds > 0) await load(url, '/requests', { ...request, tag: `${request.tag}-warm-up` }, warmupSeconds);
}

async function loadWithWrk(url, path, request, duration) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--latency'];
  let script;
  if (request) {
    script = join(mkdtempSync(join(tmpdir(), 'lds-wrk-')), 'post.lua');
    const headers = Object.entries({ 'Content-Type': 'application/json', ...request.headers })
      .map(([k, v]) => `["${k}"]="${v}"`)
      .join(', ');
    writeFileSync(
      script,
      `local n = 0
local seed = math.random(1, 1000000000)
request = function()
  n = n + 1
  local body = '{"lead_external_id":"${request.tag}-' .. seed .. '-' .. n .. '","source_id":${request.sourceId},"message":"bench"}'
  return wrk.format("POST", "${path}", {${headers}}, body)
end
`,
    );
    args.push('-s', script);
  }
  args.push(request ? url : url + path);
  const out = await new Promise((res, rej) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', () => res(text));
    child.on('error', rej);
  });
  if (script) rmSync(resolve(script, '..'), { recursive: true, force: true });
  const ms = (v) => (v === undefined ? NaN : /us$/.test(v) ? parseFloat(v) / 1000 : /ms$/.test(v) ? parseFloat(v) : parseFloat(v) * 1000);
  const pick = (re) => (out.match(re) || [])[1];
  const errors = [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
  return {
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50: ms(pick(/^\s+50%\s+(\S+)/m)),
    p99: ms(pick(/^\s+99%\s+(\S+)/m)),
    requests: Number(pick(/(\d+) requests in/)),
    non2xx: Number(pick(/Non-2xx or 3xx responses: (\d+)/) || 0),
    errors,
  };
}

async function loadWithAutocannon(url, path, request, duration) {
  const autocannon = require('autocannon');
  let n = 0;
  const options = request
    ? {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ lead_external_id: `${request.tag}-${n++}`, source_id: request.sourceId, message: 'bench' }),
            }),
          },
        ],
      }
    : {};
  const result = await new Promise((res, rej) =>
    autocannon({ url: url + path, connections, duration, ...options }, (err, r) => (err ? rej(err) : res(r))),
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

// ---------------------------------------------------------------- runs

const rows = [];
function record(server, route, figures) {
  const row = { server, route, ...figures };
  rows.push(row);
  console.log(
    `${server.padEnd(24)} ${route.padEnd(15)} ${String(Math.round(row.rps)).padStart(7)} req/s  p50 ${row.p50.toFixed(1).padStart(7)} ms  p99 ${row.p99.toFixed(1).padStart(7)} ms` +
      (row.cpuUs ? `  CPU ${Math.round(row.cpuUs)} us/req` : '') +
      (row.non2xx ? `  non-2xx ${row.non2xx}` : '') +
      (row.errors ? `  socket errors/timeouts ${row.errors}` : ''),
  );
}

/** One phase, with the server's CPU time per request (less sensitive to a busy machine than req/s). */
async function phase(server, path, request, duration = seconds) {
  const before = server.cpuSeconds();
  const figures = await load(server.url, path, request, duration);
  const after = server.cpuSeconds();
  const cpuUs = before !== undefined && after !== undefined && figures.requests ? ((after - before) * 1e6) / figures.requests : undefined;
  return { ...figures, cpuUs };
}

async function measure(name, server, { sourceId, key, admin } = {}) {
  try {
    await server.ready;
    const setup = sourceId ? { sourceId } : await setUp(server.url, { admin, intake: key });
    const headers = setup.key ? { 'X-API-Key': setup.key } : {};
    const request = { sourceId: setup.sourceId, headers, tag: `${name}-${Date.now()}` };
    await warmUp(server.url, request);
    record(name, 'GET /health', await phase(server, '/health'));
    record(name, 'POST /requests', await phase(server, '/requests', request));
  } finally {
    await server.stop();
  }
}

async function withDirectory(work) {
  const dir = mkdtempSync(join(tmpdir(), 'lds-bench-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function withPostgresDatabase(work) {
  const { Client } = require('pg');
  const name = `lds_bench_test_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    await work(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

const VARIANTS = {
  plain: { env: {} },
  auth: { env: { ADMIN_API_KEYS: ADMIN_KEY }, admin: true, key: true },
  info: { env: { LOG_LEVEL: 'info' } },
  normal: { env: { SQLITE_SYNCHRONOUS: 'normal' } },
};

async function main() {
  console.log(
    `${useWrk ? 'wrk -t1' : 'autocannon'}, ${connections} connections, ${seconds} s per route, one server at a time` +
      (hasKit ? `; ceiling and yardstick from ${kit}` : ''),
  );
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    for (const variant of variants) {
      const spec = VARIANTS[variant];
      if (!spec) throw new Error(`unknown variant ${variant} (${Object.keys(VARIANTS).join(', ')})`);
      await withDirectory((dir) =>
        startService({ SQLITE_PATH: join(dir, 'bench.sqlite'), ...spec.env }).then((server) => measure(`service ${variant}`, server, spec)),
      );
    }
    if (baseline) {
      await withDirectory((dir) =>
        startService({ SQLITE_PATH: join(dir, 'bench.sqlite') }, baseline).then((server) =>
          measure('service baseline plain', server, VARIANTS.plain),
        ),
      );
    }
    if (hasKit) {
      const env = { NODE_PATH: join(root, 'node_modules') };
      await withDirectory((dir) =>
        startServer([join(kit, 'ceiling', 'main.js')], { ...env, SQLITE_PATH: join(dir, 'c.sqlite') }).then((server) => measure('ceiling', server, { sourceId: 1 })),
      );
      await withDirectory((dir) =>
        startServer([join(kit, 'yardstick', 'server.js')], { ...env, SQLITE_PATH: join(dir, 'y.sqlite') }, dir).then((server) => measure('yardstick', server)),
      );
    }
  }
  for (let round = 1; process.env.BENCH_POSTGRES === '1' && round <= rounds; round++) {
    if (rounds > 1) console.log(`PostgreSQL round ${round} of ${rounds}`);
    for (const build of builds) for (const count of [1, 2]) {
      await withPostgresDatabase(async (databaseUrl) => {
        const first = await startService({ DATABASE_URL: databaseUrl }, build.cwd);
        await first.ready; // migrate once before the second starts
        const others = await Promise.all(Array.from({ length: count - 1 }, () => startService({ DATABASE_URL: databaseUrl }, build.cwd)));
        await Promise.all(others.map((o) => o.ready));
        const setup = await setUp(first.url);
        const name = `service ${build.label}PostgreSQL x${count}`;
        try {
          const all = [first, ...others];
          const sum = (results) => ({
            rps: results.reduce((s, r) => s + r.rps, 0),
            p50: Math.max(...results.map((r) => r.p50)),
            p99: Math.max(...results.map((r) => r.p99)),
            non2xx: results.reduce((s, r) => s + r.non2xx, 0),
            errors: results.reduce((s, r) => s + r.errors, 0),
          });
          const requests = all.map((_, i) => ({ sourceId: setup.sourceId, headers: {}, tag: `${name}-${i}-${Date.now()}` }));
          await Promise.all(all.map((a, i) => warmUp(a.url, requests[i])));
          record(name, 'GET /health', sum(await Promise.all(all.map((a) => load(a.url, '/health')))));
          record(name, 'POST /requests', sum(await Promise.all(all.map((a, i) => load(a.url, '/requests', requests[i])))));
        } finally {
          await Promise.all([first, ...others].map((a) => a.stop()));
        }
      });
    }
  }

  if (process.env.BENCH_WEBHOOKS === '1') await benchWebhooks();

  console.log(
    `\nSummary (one run${rounds > 1 ? `, medians of ${rounds} rounds` : ''}; ratios are the service over the ceiling and the yardstick of this run)`,
  );
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const summary = [];
  for (const row of rows) {
    if (summary.some((s) => s.server === row.server && s.route === row.route)) continue;
    const same = rows.filter((r) => r.server === row.server && r.route === row.route);
    const pick = (key) => median(same.map((r) => r[key]).filter((v) => v !== undefined));
    summary.push({ server: row.server, route: row.route, rps: pick('rps'), p50: pick('p50'), p99: pick('p99'), cpuUs: pick('cpuUs'), non2xx: pick('non2xx'), errors: pick('errors') });
  }
  const reference = (server, route) => summary.find((r) => r.server === server && r.route === route);
  console.table(
    summary.map((r) => {
      const ceiling = reference('ceiling', r.route);
      const yardstick = reference('yardstick', r.route);
      const service = r.server.startsWith('service');
      return {
        server: r.server,
        route: r.route,
        'req/s': Math.round(r.rps),
        'p50 ms': Number(r.p50.toFixed(1)),
        'p99 ms': Number(r.p99.toFixed(1)),
        'p99/p50': Number((r.p99 / r.p50).toFixed(1)),
        ...(r.cpuUs ? { 'CPU us/req': Math.round(r.cpuUs) } : {}),
        ...(hasKit && service
          ? {
              'x ceiling req/s': Number((r.rps / ceiling.rps).toFixed(2)),
              'x ceiling p99': Number((r.p99 / ceiling.p99).toFixed(2)),
              'x yardstick req/s': Number((r.rps / yardstick.rps).toFixed(2)),
              ...(r.cpuUs && ceiling.cpuUs ? { 'x ceiling CPU/req': Number((r.cpuUs / ceiling.cpuUs).toFixed(2)) } : {}),
            }
          : {}),
        ...(r.non2xx ? { 'non-2xx': r.non2xx } : {}),
        ...(r.errors ? { 'socket errors': r.errors } : {}),
      };
    }),
  );
}

/** A webhook receiver for the bench: answers every request on a keep-alive connection with 204. */
const BARE_RECEIVER = `
const answer = Buffer.from('HTTP/1.1 204 No Content\\r\\n\\r\\n');
const server = require('node:net').createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let answers = 0;
    for (;;) {
      const headEnd = pending.indexOf('\\r\\n\\r\\n');
      if (headEnd < 0) break;
      const length = /content-length: *(\\d+)/i.exec(pending.toString('latin1', 0, headEnd));
      const end = headEnd + 4 + (length ? Number(length[1]) : 0);
      if (pending.length < end) break;
      pending = pending.subarray(end);
      answers++;
    }
    if (answers > 0) socket.write(answers === 1 ? answer : Buffer.concat(Array(answers).fill(answer)));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * POST /requests with no webhook, with one active webhook to every event, and with one to
 * request.assigned only. Each setup is its own server, started and warmed up once; then short
 * measured phases take turns between the three, BENCH_WEBHOOK_ROUNDS times. A shared machine's
 * speed drifts by a quarter within a minute, so a ratio is only as good as how close in time its
 * two figures were taken: phases of a round are seconds apart, and each round's order is
 * rotated so that no setup always runs first.
 */
async function benchWebhooks() {
  // The receiver is its own process, and stands in for an integration on another machine: at the
  // lowest CPU priority, and a bare HTTP/1.1 responder on a socket (it frames each request by its
  // content-length and answers 204), so that on a two-core machine it takes as little as it can
  // from the service under test (which it would not take at all in production). Node's own HTTP
  // server cost about as much CPU per delivery as the service spends on the intake's webhook work.
  const receiver = spawn(process.execPath, ['-e', BARE_RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => receiver.stdout.once('data', (d) => r(Number(String(d).trim()))));
  try {
    setPriority(receiver.pid, 19);
  } catch {}
  const hookUrl = `http://127.0.0.1:${port}/hooks`;
  const rounds = Number(process.env.BENCH_WEBHOOK_ROUNDS || 1);
  const phaseSeconds = Number(process.env.BENCH_WEBHOOK_SECONDS || 5);
  const pending = async (url) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^webhook_pending_deliveries (\d+)/m.exec(text)?.[1] ?? 0);
  };
  // No subscription; one to every event (two deliveries per intake: request.created and
  // request.assigned); one to request.assigned only (one delivery per intake, what a helpdesk
  // integration typically listens to).
  const setups = [
    { label: 'no webhook', subscribed: false },
    { label: 'one webhook, all', subscribed: true },
    { label: 'one webhook, assigned', subscribed: true, events: ['request.assigned'] },
  ];
  // WEBHOOK_POLL_INTERVAL_MS=0 turns the dispatcher off: nothing is sent, the outbox insert alone
  // is measured.
  const sending = process.env.WEBHOOK_POLL_INTERVAL_MS !== '0';
  // One server per setup, in the setups' order: its label, the load it takes, how to wait for it.
  const runs = [];
  try {
    for (const spec of setups) {
      const dir = mkdtempSync(join(tmpdir(), 'lds-bench-'));
      const server = await startService({ SQLITE_PATH: join(dir, 'bench.sqlite'), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
      const run = { dir, server };
      runs.push(run);
      await server.ready;
      if (spec.subscribed) await post(`${server.url}/webhooks`, { url: hookUrl, ...(spec.events ? { events: spec.events } : {}) });
      const setup = await setUp(server.url);
      const label = `service ${spec.label}`;
      const request = { sourceId: setup.sourceId, headers: {}, tag: `${label}-${Date.now()}` };
      // Until every event is delivered: each phase starts with no backlog, and ends once its own
      // deliveries are sent (the whole cost of its requests).
      const drained = async () => {
        const start = Date.now();
        while (spec.subscribed && sending && (await pending(server.url)) > 0 && Date.now() - start < 120000) {
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      Object.assign(run, { label, request, drained });
    }
    // Warmed up in turn, once all are up (an idle server only runs its fallback poll).
    for (const run of runs) {
      await warmUp(run.server.url, run.request);
      await run.drained();
    }
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < runs.length; i++) {
        const { server, label, request, drained } = runs[(i + round) % runs.length];
        const before = server.cpuSeconds();
        const mainBefore = server.mainThreadCpuSeconds();
        const sendingBefore = server.sendingThreadCpuSeconds();
        const receiverBefore = cpuSeconds(receiver.pid);
        const result = await phase(server, '/requests', request, phaseSeconds);
        record(label, 'POST /requests', { ...result, round });
        const during = server.cpuSeconds() - before;
        const mainDuring = server.mainThreadCpuSeconds() - mainBefore;
        const sendingDuring = server.sendingThreadCpuSeconds() - sendingBefore;
        const receiverDuring = cpuSeconds(receiver.pid) - receiverBefore;
        const start = Date.now();
        await drained();
        const total = server.cpuSeconds() - before;
        const n = result.requests;
        if (during !== undefined && n) {
          const ms = (seconds) => ((seconds * 1000) / n).toFixed(3);
          console.log(
            `${label}: CPU per request during the run: event loop ${ms(mainDuring)} ms, sending thread ` +
              `${ms(sendingDuring)} ms, the app's other threads (GC helpers, libuv) ` +
              `${ms(during - mainDuring - sendingDuring)} ms; receiver ${ms(receiverDuring)} ms. ` +
              `${ms(total)} ms of app CPU with its webhooks delivered (${((Date.now() - start) / 1000).toFixed(1)} s to drain)`,
          );
        }
      }
    }
  } finally {
    await Promise.all(runs.map(({ server }) => server.stop()));
    for (const { dir } of runs) rmSync(dir, { recursive: true, force: true });
    receiver.kill('SIGTERM');
  }
  // Each setup's median over the rounds, and each round's own ratio (to that round's figure
  // without a webhook, seconds apart): the median of those is the figure to compare, and their
  // spread shows how far one run can be trusted.
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const byRound = (label) => {
    const figures = [];
    for (const r of rows) if (r.server === `service ${label}`) figures[r.round] = r.rps;
    return figures;
  };
  const base = byRound('no webhook');
  for (const { label } of setups) {
    const figures = byRound(label);
    const ratios = figures.map((rps, round) => rps / base[round]);
    const medianRps = median(figures);
    console.log(
      label === 'no webhook'
        ? `${label}: median ${Math.round(medianRps)} req/s over ${rounds} round(s)`
        : `${label}: median ${Math.round(medianRps)} req/s (${((medianRps / median(base) - 1) * 100).toFixed(1)}%); ` +
            `ratio to no webhook in the same round: median ${median(ratios).toFixed(2)} ` +
            `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
