#!/usr/bin/env node
/**
 * Throughput of POST /requests beside GET /health, on the built app (npm run bench builds it),
 * with production settings (NODE_ENV=production: JSON request logs, metrics, helmet).
 *
 *   npm run bench                       SQLite
 *   BENCH_POSTGRES=1 npm run bench      … then PostgreSQL with one and with two instances
 *   BENCH_STRATEGIES=weighted-random,weighted-round-robin,weighted-least-loaded npm run bench
 *   BENCH_AUTH=1 npm run bench          … then SQLite with auth and request logs off, auth on
 *                                       (requests sent with a source intake key), both on
 *   BENCH_WEBHOOKS=1 npm run bench      … then SQLite without a webhook, and with one active
 *                                       webhook (every event) to a local receiver, alternated
 *                                       BENCH_WEBHOOK_ROUNDS times (1); with
 *                                       WEBHOOK_POLL_INTERVAL_MS=0 nothing is sent (outbox cost only)
 *
 * Options (env): BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_PORT (4100, the first app port), TEST_DATABASE_URL (PostgreSQL admin URL).
 */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');

const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
let nextPort = Number(process.env.BENCH_PORT || 4100);

function startApp(env) {
  const port = nextPort++;
  const child = spawn(process.execPath, ['dist/main.js'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      PORT: String(port),
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  return { url, child, ready: waitFor(`${url}/health`) };
}

async function waitFor(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
let adminHeaders = {};

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...adminHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** Ten operators with room for the whole run, one source weighted over them. */
async function setUp(url, strategy) {
  const source = await post(`${url}/sources`, { name: `bench ${Date.now()}`, ...(strategy ? { strategy } : {}) });
  const weights = [];
  for (let i = 1; i <= 10; i++) {
    const op = await post(`${url}/operators`, { name: `op ${i}`, max_load: 100000 });
    weights.push({ operator_id: op.id, weight: i });
  }
  await post(`${url}/sources/${source.id}/weights`, weights);
  const intakeKey = adminHeaders['X-API-Key'] ? (await post(`${url}/sources/${source.id}/keys`)).key : undefined;
  return { sourceId: source.id, intakeKey };
}

function run(url, options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, ...options }, (err, result) =>
      err ? reject(err) : resolve(result),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false });
  });
}

function requestsOptions({ sourceId, intakeKey }, tag) {
  let n = 0;
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(intakeKey ? { 'x-api-key': intakeKey } : {}) },
    // Five requests per customer, so lead creation and lookup are both measured.
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            lead_external_id: `${tag}-${Math.floor(n++ / 5)}`,
            source_id: sourceId,
            message: 'benchmark',
          }),
        }),
      },
    ],
  };
}

const rows = [];
function record(label, route, results) {
  const all = [].concat(results);
  const rps = all.reduce((s, r) => s + r.requests.average, 0);
  const non2xx = all.reduce((s, r) => s + r.non2xx + r.errors, 0);
  const p99 = Math.max(...all.map((r) => r.latency.p99));
  rows.push({ setup: label, route, 'req/s': Math.round(rps), 'p99 ms': p99, 'non-2xx/errors': non2xx });
  console.table([rows[rows.length - 1]]);
}

async function benchInstances(label, apps, strategy) {
  await Promise.all(apps.map((a) => a.ready));
  const setup = await setUp(apps[0].url, strategy);
  record(label, 'GET /health', await Promise.all(apps.map((a) => run(`${a.url}/health`, {}))));
  record(
    label,
    'POST /requests',
    await Promise.all(apps.map((a, i) => run(`${a.url}/requests`, requestsOptions(setup, `${label}-${i}`)))),
  );
}

async function withPostgresDatabase(work) {
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

async function main() {
  const strategies = (process.env.BENCH_STRATEGIES || '').split(',').filter(Boolean);
  const variants = strategies.length ? strategies : [undefined];
  console.log(`autocannon: ${connections} connections, ${seconds} s per route`);
  for (const strategy of variants) {
    const suffix = strategy ? ` ${strategy}` : '';
    const dir = mkdtempSync(join(tmpdir(), 'lds-bench-'));
    const sqlite = startApp({ SQLITE_PATH: join(dir, 'bench.sqlite') });
    try {
      await benchInstances(`SQLite${suffix}`, [sqlite], strategy);
    } finally {
      sqlite.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
    if (process.env.BENCH_AUTH === '1') {
      // The same build with authentication and request logging off, then each turned on.
      const variants = [
        ['auth off, logs off', { LOG_LEVEL: 'warn' }],
        ['auth on, logs off', { LOG_LEVEL: 'warn', ADMIN_API_KEYS: ADMIN_KEY }],
        ['auth on, logs on', { LOG_LEVEL: 'info', ADMIN_API_KEYS: ADMIN_KEY }],
      ];
      for (const [name, env] of variants) {
        const dir2 = mkdtempSync(join(tmpdir(), 'lds-bench-'));
        const app = startApp({ SQLITE_PATH: join(dir2, 'bench.sqlite'), ...env });
        adminHeaders = env.ADMIN_API_KEYS ? { 'X-API-Key': ADMIN_KEY } : {};
        try {
          await benchInstances(`SQLite ${name}${suffix}`, [app], strategy);
        } finally {
          adminHeaders = {};
          app.child.kill('SIGTERM');
          rmSync(dir2, { recursive: true, force: true });
        }
      }
    }
    if (process.env.BENCH_POSTGRES !== '1') continue;
    for (const count of [1, 2]) {
      await withPostgresDatabase(async (databaseUrl) => {
        const first = startApp({ DATABASE_URL: databaseUrl });
        await first.ready; // migrate once before the second starts
        const apps = [first, ...Array.from({ length: count - 1 }, () => startApp({ DATABASE_URL: databaseUrl }))];
        try {
          await benchInstances(`PostgreSQL x${count}${suffix}`, apps, strategy);
        } finally {
          for (const app of apps) app.child.kill('SIGTERM');
          await new Promise((r) => setTimeout(r, 500));
        }
      });
    }
  }
  if (process.env.BENCH_WEBHOOKS === '1') await benchWebhooks();
  console.log('\nSummary');
  console.table(rows);
}

/** POST /requests with no webhook, then with one active webhook that receives every event. */
async function benchWebhooks() {
  // The receiver is its own process, as it would be elsewhere (not competing with autocannon).
  const receiver = spawn(
    process.execPath,
    [
      '-e',
      "const s = require('node:http').createServer((q, r) => { q.resume(); q.on('end', () => r.writeHead(204).end()); });" +
        "s.listen(0, '127.0.0.1', () => console.log(s.address().port));",
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise((r) => receiver.stdout.once('data', (d) => r(Number(String(d).trim()))));
  const hookUrl = `http://127.0.0.1:${port}/hooks`;
  const rounds = Number(process.env.BENCH_WEBHOOK_ROUNDS || 1);
  // CPU time of the app process (utime + stime, in ms): steadier than req/s on a busy machine.
  const cpuMs = (pid) => {
    const fields = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const pending = async (url) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^webhook_pending_deliveries (\d+)/m.exec(text)?.[1] ?? 0);
  };
  for (const subscribed of Array.from({ length: rounds }, () => [false, true]).flat()) {
    const label = `SQLite ${subscribed ? 'one webhook' : 'no webhook'}`;
    const dir = mkdtempSync(join(tmpdir(), 'lds-bench-'));
    const app = startApp({ SQLITE_PATH: join(dir, 'bench.sqlite'), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    try {
      await app.ready;
      if (subscribed) await post(`${app.url}/webhooks`, { url: hookUrl });
      const setup = await setUp(app.url);
      const before = cpuMs(app.child.pid);
      const result = await run(`${app.url}/requests`, requestsOptions(setup, label));
      record(label, 'POST /requests', result);
      const during = cpuMs(app.child.pid) - before;
      // Then until every event is delivered: the whole cost of a request and its webhooks.
      const start = Date.now();
      // (WEBHOOK_POLL_INTERVAL_MS=0 turns the dispatcher off: the outbox insert alone is measured.)
      const sending = process.env.WEBHOOK_POLL_INTERVAL_MS !== '0';
      while (subscribed && sending && (await pending(app.url)) > 0 && Date.now() - start < 120000) {
        await new Promise((r) => setTimeout(r, 200));
      }
      const total = cpuMs(app.child.pid) - before;
      const n = result.requests.total;
      console.log(
        `${label}: app CPU per request ${(during / n).toFixed(2)} ms during the run, ` +
          `${(total / n).toFixed(2)} ms with its webhooks delivered (${((Date.now() - start) / 1000).toFixed(1)} s to drain)`,
      );
    } finally {
      app.child.kill('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }
  receiver.kill('SIGTERM');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
