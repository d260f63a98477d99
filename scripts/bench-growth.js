#!/usr/bin/env node
/**
 * Flat growth: POST /requests and GET /requests/distribution/stats on a fresh SQLite database,
 * then again after GROWTH_ROWS (1 000 000) stored requests, on the built app (part of
 * `npm run bench`; alone: `npm run build && node scripts/bench-growth.js`). The rows are written
 * straight into the file (as a long-running service would have accumulated them: mostly closed,
 * with their history), so seeding takes seconds instead of hours.
 * With a benchmark kit (BENCH_KIT, default ../shared/bench) the kit's bare-Node yardstick is
 * seeded to the same size and its stats timed too: the reference for "answers within 2x".
 *
 * Then the reads over a long history (scripts/bench/history-reads.js): GET
 * /analytics/service-levels over the default 7 days (all sources and one, by hour and by day) and
 * GET /staffing/plan over 4 weeks (skipped with a note where the route answers 404), with
 * GROWTH_ROWS requests written in bulk SQL over each span of GROWTH_DAYS: 365 days (about 2% of
 * them in the 7-day window, a year of steady traffic) and 7 days (every one of them in it: the
 * worst case). Median and max of GROWTH_TIMES calls each; timings are printed, never asserted
 * (the run fails only on an error).
 *
 * Options (env): GROWTH_ROWS (1000000), BENCH_SECONDS (8), BENCH_CONNECTIONS (50),
 *   GROWTH_PARTS (intake,reads), GROWTH_DAYS (365,7), GROWTH_TIMES (15), GROWTH_WARMUP (3),
 *   BENCH_POSTGRES=1 the reads on PostgreSQL too (TEST_DATABASE_URL: an admin URL; the bench
 *   creates an lds_bench_test_* database per span and drops it).
 */
const { existsSync, mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const Database = require('better-sqlite3');
const { seconds, connections, call, startServer, startApp, stopApp, postLoad } = require('./bench-lib');

const { benchHistoryReads } = require('./bench/history-reads');

const rows = Number(process.env.GROWTH_ROWS || 1000000);
const parts = (process.env.GROWTH_PARTS || 'intake,reads').split(',');
const spans = (process.env.GROWTH_DAYS || '365,7').split(',').filter(Boolean).map(Number);
const times = Number(process.env.GROWTH_TIMES || 15);

/** Median milliseconds of `count` sequential GETs. */
async function medianGet(url, count = 15) {
  const times = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await call(url, 'GET');
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function seed(file, sourceId, operatorIds) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const ts = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const lead = db.prepare('INSERT INTO leads (external_id, created_at) VALUES (?, ?)');
  const request = db.prepare(`INSERT INTO requests
    (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
      first_assigned_at)
    VALUES (?, ?, ?, 'closed', 'seeded', NULL, ?, ?, ?, ?)`);
  const event = db.prepare(`INSERT INTO request_events
    (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger, actor, request, created_at)
    VALUES (?, ?, ?, ?, ?, NULL, ?, 'intake', '{}', ?)`);
  const leads = 10000;
  const base = Date.now() - rows * 1000;
  db.transaction(() => {
    let firstLead = 0;
    for (let i = 0; i < leads; i++) {
      const id = Number(lead.run(`seed-${i}`, ts(base)).lastInsertRowid);
      if (i === 0) firstLead = id;
    }
    for (let i = 0; i < rows; i++) {
      const at = ts(base + i * 1000);
      const op = operatorIds[i % operatorIds.length];
      const id = Number(request.run(firstLead + (i % leads), sourceId, op, at, at, at, at).lastInsertRowid);
      event.run(`evt_seed${i}a`, id, sourceId, 'created', null, null, at);
      event.run(`evt_seed${i}b`, id, sourceId, 'assigned', op, 'intake', at);
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

const root = resolve(__dirname, '..');
const kit = process.env.BENCH_KIT === 'none' ? undefined : resolve(root, process.env.BENCH_KIT || '../shared/bench');
const yardstickServer = kit && join(kit, 'yardstick', 'server.js');

function startYardstick(port, file) {
  return startServer([yardstickServer], port, { NODE_PATH: join(root, 'node_modules'), SQLITE_PATH: file }, tmpdir());
}

/** The yardstick's stats, fresh and after the same number of requests (its own schema). */
async function yardstickGrowth(dir, port) {
  const file = join(dir, 'yardstick.sqlite');
  let app = await startYardstick(port, file);
  const source = await call(`${app.url}/sources`, 'POST', { name: 'growth' });
  const operatorIds = [];
  for (let i = 1; i <= 10; i++) {
    operatorIds.push((await call(`${app.url}/operators`, 'POST', { name: `op ${i}`, max_load: 100000 })).id);
  }
  await call(`${app.url}/sources/${source.id}/weights`, 'POST', operatorIds.map((operator_id, i) => ({ operator_id, weight: i + 1 })));
  const fresh = await medianGet(`${app.url}/requests/distribution/stats`);
  await stopApp(app.child);
  const db = new Database(file);
  const lead = db.prepare('INSERT INTO leads (external_id, created_at) VALUES (?, ?)');
  const request = db.prepare(`INSERT INTO requests (lead_id, source_id, operator_id, status, message, created_at)
    VALUES (?, ?, ?, 'closed', 'seeded', ?)`);
  db.transaction(() => {
    const first = Number(lead.run('seed-0', new Date().toISOString()).lastInsertRowid);
    for (let i = 1; i < 10000; i++) lead.run(`seed-${i}`, new Date().toISOString());
    for (let i = 0; i < rows; i++) request.run(first + (i % 10000), source.id, operatorIds[i % 10], new Date().toISOString());
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  app = await startYardstick(port + 1, file);
  const grown = await medianGet(`${app.url}/requests/distribution/stats`);
  await stopApp(app.child);
  return { fresh, grown };
}

async function intakeGrowth() {
  const dir = mkdtempSync(join(tmpdir(), 'lds-bench-growth-'));
  const file = join(dir, 'crm.sqlite');
  const port = 4800 + Math.floor(Math.random() * 100);
  try {
    let app = await startApp(port, { SQLITE_PATH: file });
    const source = await call(`${app.url}/sources`, 'POST', { name: 'growth' });
    const operatorIds = [];
    for (let i = 1; i <= 10; i++) {
      const op = await call(`${app.url}/operators`, 'POST', { name: `op ${i}`, max_load: 100000 });
      operatorIds.push(op.id);
    }
    await call(
      `${app.url}/sources/${source.id}/weights`,
      'POST',
      operatorIds.map((operator_id, i) => ({ operator_id, weight: i + 1 })),
    );
    await postLoad(app.url, source.id, 'warm');
    const fresh = await postLoad(app.url, source.id, 'fresh');
    const freshStats = await medianGet(`${app.url}/requests/distribution/stats`);
    await stopApp(app.child);

    const t0 = Date.now();
    seed(file, source.id, operatorIds);
    const seededIn = ((Date.now() - t0) / 1000).toFixed(0);

    app = await startApp(port + 1, { SQLITE_PATH: file });
    await postLoad(app.url, source.id, 'warm2');
    const grown = await postLoad(app.url, source.id, 'grown');
    const grownStats = await medianGet(`${app.url}/requests/distribution/stats`);
    await stopApp(app.child);

    const rps = (r) => Math.round(r.requests.average);
    console.log(`\nGrowth (SQLite; ${rows} requests seeded in ${seededIn} s; ${connections} connections, ${seconds} s)`);
    console.log('| | POST /requests req/s | p50 ms | p99 ms | GET /requests/distribution/stats median ms |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(`| fresh | ${rps(fresh)} | ${fresh.latency.p50} | ${fresh.latency.p99} | ${freshStats.toFixed(1)} |`);
    console.log(`| ${rows} stored | ${rps(grown)} | ${grown.latency.p50} | ${grown.latency.p99} | ${grownStats.toFixed(1)} |`);
    console.log(`POST fresh / grown: ${(rps(fresh) / rps(grown)).toFixed(2)}x`);
    if (yardstickServer && existsSync(yardstickServer)) {
      const yardstick = await yardstickGrowth(dir, port + 2);
      console.log(
        `Yardstick stats: fresh ${yardstick.fresh.toFixed(1)} ms, ${rows} stored ${yardstick.grown.toFixed(1)} ms; ` +
          `the service's at ${rows}: ${(grownStats / yardstick.grown).toFixed(2)}x the yardstick's`,
      );
    }
  } finally {
    if (process.env.GROWTH_KEEP) console.log(`kept ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  if (parts.includes('intake')) await intakeGrowth();
  if (parts.includes('reads')) {
    await benchHistoryReads({ rows, spans, times, postgres: process.env.BENCH_POSTGRES === '1' });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
