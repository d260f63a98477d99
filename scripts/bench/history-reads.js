/**
 * The reads over a long history (part of scripts/bench-growth.js): GET /analytics/service-levels
 * over the default 7 days, and GET /staffing/plan over 4 weeks, with `rows` requests in the
 * database spread over `days` days, on SQLite and (BENCH_POSTGRES=1) PostgreSQL. Each route is
 * called a few times to warm up, then `times` times in a row: median and max milliseconds.
 */
const { join } = require('node:path');
const { historyStatements } = require('./history');
const { startService, withDirectory, withPostgresDatabase, post } = require('./servers');

const SOURCES = 4;
const OPERATORS = 20;
const LEADS = 10000;
const WARMUP = Number(process.env.GROWTH_WARMUP || 3);

/** Sources and operators over HTTP (so they are the app's own rows); the history in bulk SQL. */
async function setUp(url) {
  const sourceIds = [];
  const operatorIds = [];
  for (let i = 1; i <= OPERATORS; i++) {
    operatorIds.push((await post(`${url}/operators`, { name: `op ${i}`, max_load: 100 })).id);
  }
  for (let i = 1; i <= SOURCES; i++) {
    const source = await post(`${url}/sources`, { name: `history ${i}` });
    sourceIds.push(source.id);
    await post(
      `${url}/sources/${source.id}/weights`,
      operatorIds.map((operator_id, k) => ({ operator_id, weight: k + 1 })),
    );
  }
  return { sourceIds, operatorIds };
}

const leadsSql = (dialect) =>
  (dialect === 'sqlite'
    ? `WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM series WHERE i < ${LEADS - 1})`
    : `WITH series(i) AS (SELECT generate_series(0, ${LEADS - 1}))`) +
  ` INSERT INTO leads (external_id, created_at) SELECT 'history-' || i, CURRENT_TIMESTAMP FROM series`;

function seedSqlite(file, shape) {
  const Database = require('better-sqlite3');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.transaction(() => {
    db.exec(leadsSql('sqlite'));
    const firstLead = db.prepare('SELECT MIN(id) AS id FROM leads').get().id;
    for (const sql of historyStatements('sqlite', { ...shape, leadCount: LEADS, firstLead })) db.exec(sql);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

async function seedPostgres(url, shape) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(leadsSql('postgres'));
    const firstLead = (await client.query('SELECT MIN(id) AS id FROM leads')).rows[0].id;
    for (const sql of historyStatements('postgres', { ...shape, leadCount: LEADS, firstLead })) {
      await client.query(sql);
    }
    await client.query('COMMIT');
    // What autovacuum does soon after a bulk load anyway: statistics and the visibility map.
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
}

/** Milliseconds of one GET; its status too (a 404 says the route is not there). */
async function timedGet(url) {
  const t0 = process.hrtime.bigint();
  const response = await fetch(url);
  const body = await response.text();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (!response.ok && response.status !== 404) throw new Error(`GET ${url}: ${response.status} ${body}`);
  return { ms, status: response.status, body };
}

async function timeRoutes(url, sourceIds, times) {
  const routes = [
    ['service levels, all sources, 7 days by hour', '/analytics/service-levels'],
    ['service levels, one source, 7 days by hour', `/analytics/service-levels?source_id=${sourceIds[0]}`],
    ['service levels, all sources, 7 days by day', '/analytics/service-levels?bucket=day'],
    ['staffing plan, one source, 4 weeks', `/staffing/plan?source_id=${sourceIds[0]}&weeks=4`],
  ];
  const results = [];
  for (const [label, path] of routes) {
    const first = await timedGet(`${url}${path}`);
    if (first.status === 404) {
      console.log(`  (${path.split('?')[0]} answers 404 on this build: not measured)`);
      continue;
    }
    for (let i = 1; i < WARMUP; i++) await timedGet(`${url}${path}`);
    const ms = [];
    for (let i = 0; i < times; i++) ms.push((await timedGet(`${url}${path}`)).ms);
    ms.sort((a, b) => a - b);
    const arrivals = path.startsWith('/analytics')
      ? JSON.parse(first.body).buckets.reduce((sum, b) => sum + b.arrivals, 0)
      : undefined;
    const result = { label, median: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1], arrivals };
    // As it comes too: a worst-case run takes long, and an interrupted one keeps its figures.
    console.log(`  ${label}: median ${result.median.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
    results.push(result);
  }
  return results;
}

/** One database: set up, seed, time; the rows of the table. */
async function measure(database, env, seed, { rows, days, times }) {
  let app = await startService(env);
  await app.ready;
  let shape;
  try {
    shape = await setUp(app.url);
  } finally {
    await app.stop();
  }
  const t0 = Date.now();
  await seed({ rows, days, end: new Date(), ...shape });
  const seededSeconds = Math.round((Date.now() - t0) / 1000);
  app = await startService(env);
  try {
    await app.ready;
    const results = await timeRoutes(app.url, shape.sourceIds, times);
    return results.map((r) => ({ database, days, seededSeconds, ...r }));
  } finally {
    await app.stop();
  }
}

async function benchHistoryReads({ rows, spans, times, postgres }) {
  const table = [];
  for (const days of spans) {
    console.log(`SQLite: ${rows} requests over ${days} days...`);
    await withDirectory(async (dir) => {
      const file = join(dir, 'history.sqlite');
      table.push(
        ...(await measure('SQLite', { SQLITE_PATH: file }, (shape) => seedSqlite(file, shape), { rows, days, times })),
      );
    });
    if (postgres) {
      console.log(`PostgreSQL: ${rows} requests over ${days} days...`);
      await withPostgresDatabase(async (url) => {
        table.push(
          ...(await measure('PostgreSQL', { DATABASE_URL: url }, (shape) => seedPostgres(url, shape), {
            rows,
            days,
            times,
          })),
        );
      });
    }
  }
  console.log(`\nReads over ${rows} requests of history (${SOURCES} sources; ${times} calls each after ${WARMUP} to warm up)`);
  console.log('| database | history spans | route | arrivals in window | median ms | max ms |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of table) {
    console.log(
      `| ${r.database} | ${r.days} days (seeded in ${r.seededSeconds} s) | ${r.label} | ${r.arrivals ?? ''} | ` +
        `${r.median.toFixed(1)} | ${r.max.toFixed(1)} |`,
    );
  }
}

module.exports = { benchHistoryReads, setUp, seedSqlite, seedPostgres };
