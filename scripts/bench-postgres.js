#!/usr/bin/env node
/**
 * POST /requests on PostgreSQL against pgbench running the same statements (npm run bench:postgres
 * builds the app first). In one run, with rounds alternating, each variant on a fresh copy of one
 * seeded database:
 *
 *   service-1      the built app, one instance, wrk with BENCH_CONNECTIONS connections
 *   service-2      two instances on one database, no proxy: a wrk on each with half the
 *                  connections, at once; req/s summed, p50 and p99 the worse of the two
 *   pgbench-<pool> scripts/bench-postgres/intake.sql (the intake's statements, one transaction per
 *                  intake) with -M prepared, at DATABASE_POOL_SIZE clients (one instance's pool)
 *   pgbench-<conn> the same at BENCH_CONNECTIONS clients
 *
 * The seed is npm run bench's (scripts/bench/servers.js): ten operators with room for the whole run, weighted 1..10 on every
 * source. One source by default: intake on a single source is the figure to compare, since
 * spreading over sources must not hide a per-source cap. BENCH_PG_SOURCES=20 spreads intake over
 * 20 sources (the same ten operators); BENCH_PG_SOURCES=1,20 measures both, reported apart.
 *
 * Each variant gets BENCH_WARMUP_SECONDS of unmeasured load on its database first, then
 * BENCH_SECONDS measured. Printed per variant: req/s (pgbench: tps), p50, p99 (pgbench: from its
 * per-transaction log), CPU per request of the service's processes (from /proc) and of the
 * database's backends (sampled from pg_stat_activity and /proc every 200 ms: pgbench's backends
 * exit with it, so their last ~200 ms are missed). The summary shows medians over the rounds and
 * the ratios service-1 / pgbench-<pool>, service-2 / pgbench-<pool> (median of each round's
 * ratio) and the service's p99 / p50. Figures move a lot on a shared machine: compare only
 * figures of one run.
 *
 * Options (env):
 *   BENCH_ROUNDS (3)  BENCH_SECONDS (8)  BENCH_WARMUP_SECONDS (3)  BENCH_CONNECTIONS (50)
 *   DATABASE_POOL_SIZE (10)  BENCH_PG_SOURCES (1; a list runs each)
 *   BENCH_PG_VARIANTS (service-1,service-2,pgbench-pool,pgbench-connections)
 *   BENCH_BASELINE     another checkout's build, measured as baseline-1 after service-1
 *   BENCH_PG_SCRIPT    another file of scripts/bench-postgres for pgbench (intake-transaction.sql)
 *   TEST_DATABASE_URL (postgres://postgres@127.0.0.1:5432/postgres): an admin URL; the bench
 *                     creates lds_pgbench_test_* databases and drops them, also on error and Ctrl-C
 */
const { spawn, spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { Client } = require('pg');
const { freePort } = require('./bench-lib');

const root = resolve(__dirname, '..');
// BENCH_PG_SCRIPT: another script of scripts/bench-postgres (intake-transaction.sql: the transactional path).
const intakeScript = join(__dirname, 'bench-postgres', process.env.BENCH_PG_SCRIPT || 'intake.sql');
// BENCH_BASELINE: a checkout of another build (dist/ built): measured as `baseline-1` (one instance)
// right after service-1 in every round, for before/after figures of one run.
const baseline = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined;
const seconds = Number(process.env.BENCH_SECONDS || 8);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS || 3);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const poolSize = Number(process.env.DATABASE_POOL_SIZE || 10);
const sourceCounts = (process.env.BENCH_PG_SOURCES || '1').split(',').filter(Boolean).map(Number);
const variantNames = (process.env.BENCH_PG_VARIANTS || 'service-1,service-2,pgbench-pool,pgbench-connections')
  .split(',')
  .filter(Boolean);
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const OPERATORS = 10;

// ---------------------------------------------------------------- cleanup

/** Everything to undo, also on error and Ctrl-C: child processes, databases, directories. */
const children = new Set();
const databases = new Set();
const directories = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

async function cleanUp() {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
  if (databases.size === 0) return;
  const admin = new Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    databases.clear();
  } catch (error) {
    console.error(`could not drop ${[...databases].join(', ')}: ${error.message}`);
  } finally {
    await admin.end().catch(() => {});
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping, dropping the bench's databases`);
    cleanUp().finally(() => process.exit(130));
  });
}

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'lds-pgbench-'));
  directories.add(dir);
  return dir;
}

function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
  directories.delete(dir);
}

// ---------------------------------------------------------------- tools

function findPgbench() {
  if (spawnSync('pgbench', ['--version'], { stdio: 'ignore' }).error === undefined) return 'pgbench';
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const path = join(base, version, 'bin', 'pgbench');
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** stdout of a child, tracked for cleanup; rejects with its stderr when it fails. */
function run(command, args) {
  return new Promise((res, rej) => {
    const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', rej);
    child.on('exit', (code, signal) =>
      code === 0 ? res({ out, err }) : rej(new Error(`${command} exited with ${code ?? signal}:\n${err.slice(-2000)}`)),
    );
  });
}

// ---------------------------------------------------------------- databases

const databaseUrl = (name) => {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
};

let counter = 0;
async function createDatabase(admin, template) {
  const name = `lds_pgbench_test_${process.pid}_${Date.now()}_${counter++}`;
  databases.add(name);
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  return name;
}

async function dropDatabase(admin, name) {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  databases.delete(name);
}

/**
 * CPU seconds of the database's backends over a phase, sampled every 200 ms: a backend's last
 * figure seen, less its first (0 for a backend that started during the phase).
 */
function watchBackends(admin, name) {
  const seen = new Map();
  const startedAt = new Date();
  const sample = async () => {
    const { rows } = await admin.query('SELECT pid, backend_start FROM pg_stat_activity WHERE datname = $1', [name]);
    for (const { pid, backend_start: start } of rows) {
      const cpu = cpuSeconds(pid);
      if (cpu === undefined) continue;
      const entry = seen.get(pid);
      if (entry) entry.last = cpu;
      else seen.set(pid, { first: start >= startedAt ? 0 : cpu, last: cpu });
    }
  };
  // Samples run one after the other; a failed one stops them and fails the phase at its end.
  let failure;
  let sampling = Promise.resolve();
  const next = () => {
    sampling = sampling.then(sample).catch((error) => {
      failure ??= error;
      clearInterval(timer);
    });
  };
  const timer = setInterval(next, 200);
  next();
  return async () => {
    clearInterval(timer);
    await sampling;
    if (failure) throw failure;
    await sample();
    let total = 0;
    for (const { first, last } of seen.values()) total += last - first;
    return total;
  };
}

// ---------------------------------------------------------------- the service

/** CPU time (user + system) of a process in seconds, from /proc; undefined where missing. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return undefined;
  }
}

async function startService(database, cwd = root) {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, ['dist/main.js'], {
      cwd,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        DATABASE_URL: databaseUrl(database),
        DATABASE_POOL_SIZE: String(poolSize),
        DRAIN_INTERVAL_MS: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    }),
  );
  const exited = new Promise((r) => child.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  let gone = false;
  exited.then(() => (gone = true));
  for (let i = 0; ; i++) {
    if (gone || i === 300) {
      child.kill('SIGKILL');
      throw new Error(`the service on ${database} did not come up`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    cpuSeconds: () => cpuSeconds(child.pid),
    stop: async () => {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** npm run bench's seed (scripts/bench/servers.js): ten operators with room for the whole run, weighted 1..10 on each source. */
async function seed(url, sourceCount) {
  const operatorIds = [];
  for (let i = 1; i <= OPERATORS; i++) {
    operatorIds.push((await post(`${url}/operators`, { name: `op ${i}`, is_active: true, max_load: 100000 })).id);
  }
  const sourceIds = [];
  for (let i = 1; i <= sourceCount; i++) {
    const source = await post(`${url}/sources`, { name: `bench ${i}` });
    await post(
      `${url}/sources/${source.id}/weights`,
      operatorIds.map((id, k) => ({ operator_id: id, weight: k + 1 })),
    );
    sourceIds.push(source.id);
  }
  // intake.sql draws ids from a range.
  const consecutive = (ids) => ids.every((id, i) => id === ids[0] + i);
  if (!consecutive(operatorIds) || !consecutive(sourceIds)) throw new Error('seeded ids are not consecutive');
  return { operatorIds, sourceIds };
}

/** A migrated, seeded database that every variant copies (CREATE DATABASE … TEMPLATE). */
async function prepareTemplate(admin, sourceCount) {
  const name = await createDatabase(admin);
  const service = await startService(name);
  try {
    return { name, sourceCount, ...(await seed(service.url, sourceCount)) };
  } finally {
    await service.stop();
  }
}

// ---------------------------------------------------------------- load

const ms = (v) => (v === undefined ? NaN : /us$/.test(v) ? parseFloat(v) / 1000 : /ms$/.test(v) ? parseFloat(v) : parseFloat(v) * 1000);

/** wrk -t1 on POST /requests: a new lead per request, on a source drawn from `sourceIds`. */
async function wrk(url, sourceIds, tag, connectionCount, duration) {
  const dir = tempDir();
  const script = join(dir, 'post.lua');
  writeFileSync(
    script,
    `local n = 0
local sources = {${sourceIds.join(', ')}}
request = function()
  n = n + 1
  local body = '{"lead_external_id":"${tag}-' .. n .. '","source_id":' .. sources[math.random(#sources)] .. ',"message":"bench"}'
  return wrk.format("POST", "/requests", {["Content-Type"]="application/json"}, body)
end
`,
  );
  try {
    const { out } = await run('wrk', ['-t1', `-c${connectionCount}`, `-d${duration}s`, '--latency', '-s', script, url]);
    const pick = (re) => (out.match(re) || [])[1];
    return {
      rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
      p50: ms(pick(/^\s+50%\s+(\S+)/m)),
      p99: ms(pick(/^\s+99%\s+(\S+)/m)),
      requests: Number(pick(/(\d+) requests in/)),
      failed:
        Number(pick(/Non-2xx or 3xx responses: (\d+)/) || 0) +
        [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0),
    };
  } finally {
    removeDir(dir);
  }
}

/** Service variants: `count` instances on a copy of the template, each with its share of the connections. */
async function measureService(admin, template, count, label, cwd = root) {
  const name = await createDatabase(admin, template.name);
  const services = [];
  try {
    for (let i = 0; i < count; i++) services.push(await startService(name, cwd)); // one after the other: one migrates
    const share = (i) => Math.floor(connections / count) + (i < connections % count ? 1 : 0);
    const tag = (phase, i) => `${label}-${phase}-${i}-${process.pid}-${Date.now()}`;
    if (warmupSeconds > 0) {
      await Promise.all(services.map((s, i) => wrk(s.url, template.sourceIds, tag('warm', i), share(i), warmupSeconds)));
    }
    const before = services.map((s) => s.cpuSeconds());
    const backends = watchBackends(admin, name);
    const results = await Promise.all(services.map((s, i) => wrk(s.url, template.sourceIds, tag('run', i), share(i), seconds)));
    const databaseCpu = await backends();
    const serviceCpu = services.reduce((sum, s, i) => sum + (s.cpuSeconds() - before[i]), 0);
    const requests = results.reduce((s, r) => s + r.requests, 0);
    return {
      rps: results.reduce((s, r) => s + r.rps, 0),
      p50: Math.max(...results.map((r) => r.p50)),
      p99: Math.max(...results.map((r) => r.p99)),
      requests,
      failed: results.reduce((s, r) => s + r.failed, 0),
      serviceCpuUs: Number.isNaN(serviceCpu) ? undefined : (serviceCpu * 1e6) / requests,
      databaseCpuUs: (databaseCpu * 1e6) / requests,
    };
  } finally {
    await Promise.all(services.map((s) => s.stop()));
    await dropDatabase(admin, name);
  }
}

/** The sample payloads intake.sql stores: JSON of the service's shape and size for this seed. */
function payloads(template) {
  const at = new Date().toISOString();
  const total = (OPERATORS * (OPERATORS + 1)) / 2;
  const decision = {
    strategy: 'weighted-random',
    trigger: 'intake',
    sticky_operator_id: null,
    sticky: false,
    excluded_operator_ids: [],
    summary: `weighted-random chose operator ${template.operatorIds[0]} (op 1) among ${OPERATORS} eligible of ${OPERATORS} configured.`,
    chosen_operator_id: template.operatorIds[0],
    operators: template.operatorIds.map((id, k) => ({
      operator_id: id,
      operator_name: `op ${k + 1}`,
      weight: k + 1,
      current_load: 1234,
      max_load: 100000,
      is_active: true,
      eligible: true,
      reason: null,
    })),
    evidence: {
      random_draw: 0.3488048720004482,
      total_weight: total,
      point: 19.18426796002465,
      probabilities: template.operatorIds.map((id, k) => ({ operator_id: id, probability: (k + 1) / total })),
    },
    claims_lost: [],
    decided_at: at,
  };
  const request = {
    id: 123456,
    lead_id: 123456,
    source_id: template.sourceIds[0],
    operator_id: template.operatorIds[0],
    operator_name: 'op 1',
    status: 'active',
    message: 'bench',
    created_at: at,
    assigned_at: at,
    updated_at: at,
  };
  return { decision: JSON.stringify(decision), request_json: JSON.stringify(request) };
}

/** pgbench -M prepared with intake.sql at `clients` clients, on a copy of the template. */
async function measurePgbench(admin, template, clients, pgbench) {
  const name = await createDatabase(admin, template.name);
  const dir = tempDir();
  try {
    const variables = {
      first_source: template.sourceIds[0],
      sources: template.sourceIds.length,
      first_operator: template.operatorIds[0],
      operators: template.operatorIds.length,
      active: 'true',
      attempts: 1,
      lock_token: '00000000-0000-4000-8000-000000000000',
      priority: 0, // the sources' default_priority
      ...payloads(template),
    };
    const args = (duration) => [
      '-n', // no vacuum of pgbench's own tables (there are none)
      '-M',
      'prepared',
      '-f',
      intakeScript,
      '-c',
      String(clients),
      '-j',
      '1',
      '-T',
      String(duration),
      ...Object.entries(variables).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
    ];
    if (warmupSeconds > 0) await run(pgbench, [...args(warmupSeconds), databaseUrl(name)]);
    const backends = watchBackends(admin, name);
    const { out } = await run(pgbench, [...args(seconds), '-l', '--log-prefix', join(dir, 'tx'), databaseUrl(name)]);
    const databaseCpu = await backends();
    const latencies = [];
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const fields = line.split(' ');
        // client, transaction, latency in us (a word for a failed one), script, epoch, us
        if (fields.length >= 6 && /^\d+$/.test(fields[2])) latencies.push(Number(fields[2]) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    const quantile = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    const processed = Number((out.match(/number of transactions actually processed: (\d+)/) || [])[1]);
    return {
      rps: Number((out.match(/tps = ([\d.]+) \(without initial connection time\)/) || [])[1]),
      p50: quantile(0.5),
      p99: quantile(0.99),
      requests: processed,
      failed: Number((out.match(/number of failed transactions: (\d+)/) || [])[1] || 0),
      databaseCpuUs: (databaseCpu * 1e6) / processed,
    };
  } finally {
    removeDir(dir);
    await dropDatabase(admin, name);
  }
}

// ---------------------------------------------------------------- report

const rows = [];

function record(mode, variant, round, figures) {
  rows.push({ mode, variant, round, ...figures });
  const f = (v, digits = 1) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
  console.log(
    `${mode.padEnd(10)} ${variant.padEnd(12)} ${String(Math.round(figures.rps)).padStart(6)} req/s  ` +
      `p50 ${f(figures.p50).padStart(6)} ms  p99 ${f(figures.p99).padStart(6)} ms` +
      (figures.serviceCpuUs !== undefined ? `  service CPU ${Math.round(figures.serviceCpuUs)} us/req` : '') +
      `  database CPU ${Math.round(figures.databaseCpuUs)} us/req` +
      (figures.failed ? `  FAILED ${figures.failed}` : ''),
  );
}

const median = (values) => {
  const sorted = values.filter((v) => v !== undefined && !Number.isNaN(v)).sort((a, b) => a - b);
  return sorted.length === 0 ? undefined : sorted[Math.floor(sorted.length / 2)];
};

function summarize() {
  console.log(`\nSummary (medians of ${rounds} round(s); one run on this machine: compare only figures of one run)`);
  const table = [];
  for (const mode of [...new Set(rows.map((r) => r.mode))]) {
    for (const variant of [...new Set(rows.map((r) => r.variant))]) {
      const same = rows.filter((r) => r.mode === mode && r.variant === variant);
      if (same.length === 0) continue;
      const pick = (key) => median(same.map((r) => r[key]));
      const round = (v, digits = 1) => (v === undefined ? '' : Number(v.toFixed(digits)));
      table.push({
        sources: mode,
        variant,
        'req/s': Math.round(pick('rps')),
        'p50 ms': round(pick('p50')),
        'p99 ms': round(pick('p99')),
        'p99/p50': round(pick('p99') / pick('p50')),
        'service CPU us/req': round(pick('serviceCpuUs'), 0),
        'database CPU us/req': round(pick('databaseCpuUs'), 0),
        failed: same.reduce((s, r) => s + (r.failed || 0), 0),
      });
    }
  }
  console.table(table);
  const reference = `pgbench-${poolSize}`;
  for (const mode of [...new Set(rows.map((r) => r.mode))]) {
    const byRound = (variant) => {
      const figures = [];
      for (const r of rows) if (r.mode === mode && r.variant === variant) figures[r.round] = r;
      return figures;
    };
    const base = byRound(reference);
    for (const variant of ['service-1', 'service-2', 'baseline-1']) {
      const figures = byRound(variant);
      const ratios = figures.map((r, i) => (r && base[i] ? r.rps / base[i].rps : undefined)).filter((v) => v !== undefined);
      if (ratios.length === 0) continue;
      const spread = figures.filter(Boolean).map((r) => r.p99 / r.p50);
      console.log(
        `${mode}: ${variant} / ${reference} req/s: ${median(ratios).toFixed(2)} ` +
          `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')}); ${variant} p99 / p50: ` +
          `${median(spread).toFixed(1)} (rounds: ${spread.map((r) => r.toFixed(1)).join(' ')})`,
      );
    }
  }
}

// ---------------------------------------------------------------- main

async function main() {
  const pgbench = findPgbench();
  if (!pgbench) {
    throw new Error('pgbench not found on PATH nor in /usr/lib/postgresql/*/bin: apt-get install postgresql-client');
  }
  if (spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error !== undefined) {
    throw new Error('wrk not found: apt-get install wrk');
  }
  if (!existsSync(join(root, 'dist', 'main.js'))) throw new Error('dist/main.js missing: npm run build');
  const variants = variantNames.map((v) => {
    if (v === 'service-1' || v === 'service-2') return { name: v, instances: Number(v.slice(-1)) };
    if (v === 'pgbench-pool') return { name: `pgbench-${poolSize}`, clients: poolSize };
    if (v === 'pgbench-connections') return { name: `pgbench-${connections}`, clients: connections };
    throw new Error(`unknown variant ${v} (service-1, service-2, pgbench-pool, pgbench-connections)`);
  });
  if (baseline) variants.splice(1, 0, { name: 'baseline-1', instances: 1, cwd: baseline });
  console.log(
    `${rounds} round(s) of ${variants.map((v) => v.name).join(', ')}; ${seconds} s measured after ${warmupSeconds} s of warm-up; ` +
      `wrk -t1 -c${connections}; pool ${poolSize}; ${pgbench} -M prepared -f ${intakeScript}`,
  );
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const templates = [];
    for (const count of sourceCounts) templates.push(await prepareTemplate(admin, count));
    for (let round = 0; round < rounds; round++) {
      console.log(`round ${round + 1} of ${rounds}`);
      for (const template of templates) {
        const mode = `${template.sourceCount} source${template.sourceCount === 1 ? '' : 's'}`;
        for (const variant of variants) {
          const figures = variant.instances
            ? await measureService(admin, template, variant.instances, variant.name, variant.cwd)
            : await measurePgbench(admin, template, variant.clients, pgbench);
          record(mode, variant.name, round, figures);
        }
      }
    }
    summarize();
  } finally {
    await admin.end();
  }
}

main()
  .catch((error) => {
    if (interrupted) return; // what the cleanup broke
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => (interrupted ? undefined : cleanUp()));
