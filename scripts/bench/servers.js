/** The servers under test: start, stop, their CPU time, a scratch database, and the seed. */
const { spawn } = require('node:child_process');
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { root, adminUrl, ADMIN_KEY } = require('./options');
const { freePort } = require('../bench-lib');

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

/** An offer source whose offers outlast any run (MAX_OFFER_TIMEOUT_SECONDS). */
const OFFER_SOURCE = { assignment: 'offer', offer_timeout_seconds: 86400 };

async function post(url, body, headers = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Ten operators with room for the whole run, one source weighted 1..10 over them. With
 * `offer`, the source offers each request (assignment: offer) with the longest timeout, so that no
 * offer expires during a run: every request takes the offer path (a pending offer holds a unit of
 * the operator's room, and max_load 100000 keeps room for all of them).
 */
async function setUp(url, { admin, intake, offer } = {}) {
  const headers = admin ? { 'X-API-Key': ADMIN_KEY } : {};
  const strategy = process.env.BENCH_STRATEGY;
  const source = await post(
    `${url}/sources`,
    { name: `bench ${Date.now()}`, ...(strategy ? { strategy } : {}), ...(offer ? OFFER_SOURCE : {}) },
    headers,
  );
  const weights = [];
  for (let i = 1; i <= 10; i++) {
    const op = await post(`${url}/operators`, { name: `op ${i}`, is_active: true, max_load: 100000 }, headers);
    weights.push({ operator_id: op.id, weight: i });
  }
  await post(`${url}/sources/${source.id}/weights`, weights, headers);
  const key = intake ? (await post(`${url}/sources/${source.id}/keys`, undefined, headers)).key : undefined;
  return { sourceId: source.id, key };
}

module.exports = { startServer, startService, cpuSeconds, withDirectory, withPostgresDatabase, post, setUp, OFFER_SOURCE };
