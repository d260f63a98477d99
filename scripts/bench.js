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
 *   offer   plain, on a source in assignment: offer: each request is offered to the chosen
 *           operator (offers outlast the run: none expires, nobody accepts, no request waits).
 *           Runs next to plain (they swap places every other round); the summary prints the
 *           ratio offer / direct of each round and its median (and on PostgreSQL, one instance)
 *
 * Then idle CPU with offers pending (BENCH_IDLE=0 skips it): the app on a fresh SQLite database
 * (and PostgreSQL with BENCH_POSTGRES=1) seeded with BENCH_IDLE_OPERATORS (1000) operators, a fifth
 * with schedules, and BENCH_IDLE_OFFERS (10000) pending offers, left alone: CPU of its process over
 * BENCH_IDLE_SECONDS (30), % of one core, with the default intervals and with the offer expiry and
 * shift passes off (their share is the difference).
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
 *   BENCH_SECONDS (8)  BENCH_CONNECTIONS (50)  BENCH_VARIANTS (plain,offer,auth,info)
 *   BENCH_WARMUP_SECONDS (5)  POST /requests load on each new server before anything is measured,
 *                      discarded: V8 compiles the hot path on background threads during the first
 *                      seconds, which takes a core from a two-core machine (and, with webhooks,
 *                      compiles the sending thread's code too); the figures are the steady state
 *   BENCH_ROUNDS (1)   the SQLite servers (variants, ceiling, yardstick) in turn this many times;
 *                      the summary then shows each figure's median over the rounds
 *   BENCH_KIT (../shared/bench; "none" to skip the ceiling and yardstick)
 *   BENCH_POSTGRES=1   then PostgreSQL, one and two instances, and one on an offer source when
 *                      the offer variant runs (TEST_DATABASE_URL: admin URL)
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
const { printHeader, printSummary } = require('./bench/report');
const { benchSqlite, benchPostgres } = require('./bench/intake');
const { benchWebhooks } = require('./bench/webhooks');
const { benchIdle, printIdleSummary } = require('./bench/idle');

async function main() {
  printHeader();
  await benchSqlite();
  if (process.env.BENCH_POSTGRES === '1') await benchPostgres();
  if (process.env.BENCH_WEBHOOKS === '1') await benchWebhooks();
  if (process.env.BENCH_IDLE !== '0') await benchIdle({ postgres: process.env.BENCH_POSTGRES === '1' });
  printSummary();
  printIdleSummary();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
