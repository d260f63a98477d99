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

/** The operators, the offer source weighted over all of them, and its requests each offered. */
async function seed(url) {
  const started = Date.now();
  const operators = [];
  await inParallel(operatorCount, 8, async (i) => {
    const scheduled = i % 5 === 0 ? { schedule: schedule(i % 20 === 0) } : {};
    const op = await post(`${url}/operators`, { name: `idle op ${i}`, is_active: true, max_load: 100000, ...scheduled });
    operators.push(op.id);
  });
  const source = await post(`${url}/sources`, { name: `idle ${Date.now()}`, ...OFFER_SOURCE });
  await post(
    `${url}/sources/${source.id}/weights`,
    operators.map((id) => ({ operator_id: id, weight: 1 })),
  );
  let unoffered = 0;
  await inParallel(offerCount, 16, async (i) => {
    const request = await post(`${url}/requests`, { lead_external_id: `idle-${i}`, source_id: source.id });
    if (!request.pending_offer) unoffered++;
  });
  const pending = Number((await fetch(`${url}/offers?status=pending&limit=1`)).headers.get('x-total-count'));
  if (unoffered > 0 || pending !== offerCount) {
    throw new Error(`seeded ${pending} pending offers (${unoffered} requests not offered), expected ${offerCount}`);
  }
  console.log(
    `idle: seeded ${operatorCount} operators (${Math.ceil(operatorCount / 5)} with a schedule) and ` +
      `${pending} pending offers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
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
  const seeding = await startService(env);
  try {
    await seeding.ready;
    await seed(seeding.url);
  } finally {
    await seeding.stop();
  }
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

module.exports = { benchIdle, printIdleSummary };
