/** The bench's settings, read once from the environment (scripts/bench.js lists them). */
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const seconds = Number(process.env.BENCH_SECONDS || 8);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const variants = (process.env.BENCH_VARIANTS || 'plain,offer,auth,info').split(',').filter(Boolean);
const rounds = Number(process.env.BENCH_ROUNDS || 1);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const kit = process.env.BENCH_KIT === 'none' ? undefined : resolve(root, process.env.BENCH_KIT || '../shared/bench');
const hasKit = kit !== undefined && existsSync(join(kit, 'ceiling', 'main.js')) && existsSync(join(kit, 'yardstick', 'server.js'));
const adminUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const useWrk = spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';

const baseline = process.env.BENCH_BASELINE ? resolve(process.env.BENCH_BASELINE) : undefined;
if (baseline && !existsSync(join(baseline, 'dist', 'main.js'))) {
  throw new Error(`BENCH_BASELINE: ${baseline}/dist/main.js is missing (build that checkout first)`);
}
/** This build, then the baseline's when one is given. */
const builds = [{ label: '', cwd: root }, ...(baseline ? [{ label: 'baseline ', cwd: baseline }] : [])];

module.exports = {
  root,
  seconds,
  connections,
  variants,
  rounds,
  warmupSeconds,
  kit,
  hasKit,
  adminUrl,
  useWrk,
  ADMIN_KEY,
  baseline,
  builds,
};
