/**
 * Idle CPU with offers pending: the app on a fresh database seeded with BENCH_IDLE_OPERATORS
 * (1 000) operators, a fifth of them with a weekly schedule (so the shift pass has rows in its
 * index), and BENCH_IDLE_OFFERS (10 000) pending offers that outlast the run, then left alone.
 * The process's CPU time (all its threads) over BENCH_IDLE_SECONDS (30) with the default
 * intervals, and again with the offer expiry and shift passes turned off (their share is the
 * difference), each on a freshly started process after BENCH_IDLE_SETTLE_SECONDS (5).
 */
const { join } = require('node:path');
const { startService, withDirectory, withPostgresDatabase, post, OFFER_SOURCE } = require('./servers');

const operatorCount = Number(process.env.BENCH_IDLE_OPERATORS || 1000);
const offerCount = Number(process.env.BENCH_IDLE_OFFERS || 10000);
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS || 30);
const settleSeconds = Number(process.env.BENCH_IDLE_SETTLE_SECONDS || 5);

const results = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** `count` calls of `work(i)`, `width` at a time. */
async function inParallel(count, width, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

/**
 * A weekly schedule in a whole-hour time zone where it is about noon now: every day 08:00-18:00
 * (on shift now, the next change hours away), or with `off`, 20:00-24:00 (off shift now). Either
 * way next_shift_change_at is hours ahead: the pass finds nothing due, as on most of its ticks.
 */
function schedule(off) {
  const offset = 12 - new Date().getUTCHours(); // local hour 12 (-11..12, a valid Etc/GMT zone)
  const time_zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  const [start, end] = off ? ['20:00', '24:00'] : ['08:00', '18:00'];
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  return { time_zone, weekly: days.map((day) => ({ day, start, end })), exceptions: [] };
}

/** The bench's own SQL on the app's database (the app stopped): all(sql) and run(sql). */
async function openDatabase(env) {
  if (env.SQLITE_PATH) {
    const Database = require('better-sqlite3');
    const db = new Database(env.SQLITE_PATH);
    return {
      all: async (sql) => db.prepare(sql).all(),
      run: async (sql) => void db.prepare(sql).run(),
      columns: async (table) => db.prepare(`PRAGMA table_info(${table})`).all().map((c) => c.name),
      close: async () => db.close(),
    };
  }
  const { Client } = require('pg');
  const client = new Client({ connectionString: env.DATABASE_URL });
  await client.connect();
  return {
    all: async (sql) => (await client.query(sql)).rows,
    run: async (sql) => void (await client.query(sql)),
    columns: async (table) =>
      (await client.query('SELECT column_name FROM information_schema.columns WHERE table_name = $1', [table])).rows.map(
        (c) => c.column_name,
      ),
    close: () => client.end(),
  };
}

/**
 * `count` copies of row `id` of `table` (all its columns but id), with `overrides` (column → SQL
 * expression over the row `t` and the copy's number `n.i`, 1..count): copies keep the app's own
 * formats (timestamps, JSON text, booleans) on either database.
 */
async function clone(db, table, id, count, overrides = {}) {
  const columns = (await db.columns(table)).filter((c) => c !== 'id');
  const values = columns.map((c) => overrides[c] ?? `t."${c}"`);
  await db.run(
    `INSERT INTO ${table} (${columns.map((c) => `"${c}"`).join(', ')})
     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
     SELECT ${values.join(', ')} FROM ${table} t, n WHERE t.id = ${id}`,
  );
}

/**
 * The operators, the offer source weighted over all of them, and its requests each offered: one
 * of each through the API (so the rows are the app's own), then copied in SQL with the app stopped
 * (ten thousand intakes through the API take minutes on a busy two-core machine). The copies are
 * consistent as the app keeps them: each request's pending offer (offers row, pending_offer_* of
 * the request) goes to an operator on shift, round the operators, and each operator's
 * offered_load counts its pending offers. The history (request_events) is left out.
 */
async function seed(env) {
  const started = Date.now();
  const server = await startService(env);
  let templates;
  let sourceId;
  try {
    await server.ready;
    const url = server.url;
    const operator = (body) => post(`${url}/operators`, { is_active: true, max_load: 100000, ...body });
    templates = {
      plain: (await operator({ name: 'idle op' })).id,
      onShift: (await operator({ name: 'idle op on shift', schedule: schedule(false) })).id,
      offShift: (await operator({ name: 'idle op off shift', schedule: schedule(true) })).id,
    };
    sourceId = (await post(`${url}/sources`, { name: `idle ${Date.now()}`, ...OFFER_SOURCE })).id;
    await post(
      `${url}/sources/${sourceId}/weights`,
      Object.values(templates).map((id) => ({ operator_id: id, weight: 1 })),
    );
    const request = await post(`${url}/requests`, { lead_external_id: 'idle', source_id: sourceId });
    if (!request.pending_offer) throw new Error('the template request was not offered');
  } finally {
    await server.stop();
  }
  const db = await openDatabase(env);
  try {
    await db.run('BEGIN');
    // A fifth of the operators have a schedule; a quarter of those are off shift now.
    const scheduled = Math.ceil(operatorCount / 5);
    const offShift = Math.ceil(scheduled / 4);
    const copies = [
      [templates.plain, operatorCount - scheduled - 1],
      [templates.onShift, scheduled - offShift - 1],
      [templates.offShift, offShift - 1],
    ];
    for (const [id, count] of copies) {
      if (count <= 0) continue;
      await clone(db, 'operators', id, count, { name: `t.name || ' ' || n.i` });
    }
    const [weight] = await db.all(`SELECT id FROM operator_source_weights WHERE operator_id = ${templates.plain}`);
    // Every copy weighted 1 on the source, as its template.
    const weightColumns = (await db.columns('operator_source_weights')).filter((c) => c !== 'id');
    await db.run(
      `INSERT INTO operator_source_weights (${weightColumns.map((c) => `"${c}"`).join(', ')})
       SELECT ${weightColumns.map((c) => (c === 'operator_id' ? 'o.id' : `w."${c}"`)).join(', ')}
       FROM operator_source_weights w, operators o
       WHERE w.id = ${weight.id} AND o.id NOT IN (${Object.values(templates).join(', ')})`,
    );
    const [template] = await db.all(`SELECT id, pending_offer_id AS offer FROM requests WHERE source_id = ${sourceId}`);
    await clone(db, 'requests', template.id, offerCount - 1, { pending_offer_id: 'NULL', pending_offer_operator_id: 'NULL', pending_offer_expires_at: 'NULL' });
    // Each new request's offer, to the operators that may take one (not the ones off shift), in turn.
    const offerColumns = (await db.columns('offers')).filter((c) => c !== 'id');
    const offerOverrides = { request_id: 'r.id', operator_id: 'e.id' };
    await db.run(
      `INSERT INTO offers (${offerColumns.map((c) => `"${c}"`).join(', ')})
       WITH e AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM operators
                  WHERE schedule IS NULL OR next_shift_change_at = (SELECT next_shift_change_at FROM operators WHERE id = ${templates.onShift})),
            r AS (SELECT id, ROW_NUMBER() OVER (ORDER BY id) - 1 AS k FROM requests
                  WHERE source_id = ${sourceId} AND pending_offer_id IS NULL)
       SELECT ${offerColumns.map((c) => offerOverrides[c] ?? `t."${c}"`).join(', ')}
       FROM offers t, r, e WHERE t.id = ${template.offer} AND e.k = r.k % (SELECT COUNT(*) FROM e)`,
    );
    await db.run(
      `UPDATE requests SET
         pending_offer_id = (SELECT o.id FROM offers o WHERE o.request_id = requests.id),
         pending_offer_operator_id = (SELECT o.operator_id FROM offers o WHERE o.request_id = requests.id),
         pending_offer_expires_at = (SELECT o.expires_at FROM offers o WHERE o.request_id = requests.id)
       WHERE source_id = ${sourceId} AND pending_offer_id IS NULL`,
    );
    await db.run(
      `UPDATE operators SET offered_load =
         (SELECT COUNT(*) FROM offers o WHERE o.operator_id = operators.id AND o.status = 'pending')`,
    );
    await db.run('COMMIT');
    const [{ operators }] = await db.all('SELECT COUNT(*) AS operators FROM operators');
    const [{ pending }] = await db.all(`SELECT COUNT(*) AS pending FROM offers WHERE status = 'pending'`);
    const [{ consistent }] = await db.all(
      `SELECT COUNT(*) AS consistent FROM requests r JOIN offers o ON o.id = r.pending_offer_id
       WHERE o.status = 'pending' AND o.operator_id = r.pending_offer_operator_id AND o.request_id = r.id`,
    );
    if (Number(operators) !== operatorCount || Number(pending) !== offerCount || Number(consistent) !== offerCount) {
      throw new Error(`seeded ${operators} operators, ${pending} pending offers (${consistent} consistent)`);
    }
  } finally {
    await db.close();
  }
  console.log(
    `idle: seeded ${operatorCount} operators (${Math.ceil(operatorCount / 5)} with a schedule) and ` +
      `${offerCount} pending offers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

/** The CPU % of one core a freshly started app on `env`'s database uses over idleSeconds. */
async function idleCpu(env) {
  const server = await startService(env);
  try {
    await server.ready;
    await sleep(settleSeconds * 1000);
    const before = server.cpuSeconds();
    const mainBefore = server.mainThreadCpuSeconds();
    await sleep(idleSeconds * 1000);
    const total = server.cpuSeconds() - before;
    const main = server.mainThreadCpuSeconds() - mainBefore;
    return { cpu: (total / idleSeconds) * 100, mainCpu: (main / idleSeconds) * 100 };
  } finally {
    await server.stop();
  }
}

const TIMERS_OFF = { OFFER_EXPIRY_INTERVAL_MS: '0', SHIFT_INTERVAL_MS: '0' };

async function measureIdle(label, env) {
  await seed(env);
  const on = await idleCpu(env);
  const off = await idleCpu({ ...env, ...TIMERS_OFF });
  const result = { label, on, off };
  results.push(result);
  console.log(
    `idle ${label}: ${on.cpu.toFixed(2)}% of one core (event loop ${on.mainCpu.toFixed(2)}%) with the default ` +
      `intervals; ${off.cpu.toFixed(2)}% (${off.mainCpu.toFixed(2)}%) with the offer expiry and shift passes off`,
  );
}

async function benchIdle({ postgres }) {
  await withDirectory((dir) => measureIdle('SQLite', { SQLITE_PATH: join(dir, 'bench.sqlite') }));
  if (postgres) await withPostgresDatabase((databaseUrl) => measureIdle('PostgreSQL', { DATABASE_URL: databaseUrl }));
}

/** The idle figures in the summary: the process, and the two passes' share (on minus off). */
function printIdleSummary() {
  if (results.length === 0) return;
  console.log(
    `\nIdle, ${operatorCount} operators (a fifth with schedules), ${offerCount} pending offers; CPU of the app's ` +
      `process over ${idleSeconds} s, % of one core:`,
  );
  console.table(
    results.map(({ label, on, off }) => ({
      database: label,
      'default intervals': Number(on.cpu.toFixed(2)),
      'expiry and shift passes off': Number(off.cpu.toFixed(2)),
      'the two passes': Number((on.cpu - off.cpu).toFixed(2)),
    })),
  );
}

module.exports = { benchIdle, printIdleSummary, seed };
