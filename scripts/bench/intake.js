/**
 * GET /health and POST /requests, one server at a time: the service's variants on SQLite (and
 * the baseline's), the kit's ceiling and yardstick, then PostgreSQL with one and two instances
 * (and one on an offer source when the offer variant runs).
 */
const { join } = require('node:path');
const { root, variants, rounds, kit, hasKit, baseline, builds, ADMIN_KEY } = require('./options');
const { startServer, startService, withDirectory, withPostgresDatabase, setUp } = require('./servers');
const { warmUp, phase } = require('./load');
const { record } = require('./report');

const VARIANTS = {
  plain: { env: {} },
  auth: { env: { ADMIN_API_KEYS: ADMIN_KEY }, admin: true, key: true },
  info: { env: { LOG_LEVEL: 'info' } },
  normal: { env: { SQLITE_SYNCHRONOUS: 'normal' } },
  // plain, on an offer source: each request is offered to the chosen operator (runs right after
  // plain in a round, for the ratio offer / direct of printOfferRatios)
  offer: { env: {}, offer: true },
};

async function measure(name, server, { sourceId, key, admin, offer } = {}, round = 1) {
  try {
    await server.ready;
    const setup = sourceId ? { sourceId } : await setUp(server.url, { admin, intake: key, offer });
    const headers = setup.key ? { 'X-API-Key': setup.key } : {};
    const request = { sourceId: setup.sourceId, headers, tag: `${name}-${Date.now()}` };
    await warmUp(server.url, request);
    record(name, 'GET /health', { ...(await phase(server, '/health')), round });
    record(name, 'POST /requests', { ...(await phase(server, '/requests', request)), round });
  } finally {
    await server.stop();
  }
}

/** The variants of a round: plain and offer swap places every other round (neither always first). */
function inTurn(list, round) {
  const [a, b] = [list.indexOf('plain'), list.indexOf('offer')];
  if (round % 2 === 1 || a < 0 || b < 0) return list;
  const swapped = [...list];
  [swapped[a], swapped[b]] = [list[b], list[a]];
  return swapped;
}

/** The SQLite servers in turn, BENCH_ROUNDS times. */
async function benchSqlite() {
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`round ${round} of ${rounds}`);
    for (const variant of inTurn(variants, round)) {
      const spec = VARIANTS[variant];
      if (!spec) throw new Error(`unknown variant ${variant} (${Object.keys(VARIANTS).join(', ')})`);
      await withDirectory((dir) =>
        startService({ SQLITE_PATH: join(dir, 'bench.sqlite'), ...spec.env }).then((server) =>
          measure(`service ${variant}`, server, spec, round),
        ),
      );
    }
    if (baseline) {
      await withDirectory((dir) =>
        startService({ SQLITE_PATH: join(dir, 'bench.sqlite') }, baseline).then((server) =>
          measure('service baseline plain', server, VARIANTS.plain, round),
        ),
      );
    }
    if (hasKit) {
      const env = { NODE_PATH: join(root, 'node_modules') };
      await withDirectory((dir) =>
        startServer([join(kit, 'ceiling', 'main.js')], { ...env, SQLITE_PATH: join(dir, 'c.sqlite') }).then((server) => measure('ceiling', server, { sourceId: 1 }, round)),
      );
      await withDirectory((dir) =>
        startServer([join(kit, 'yardstick', 'server.js')], { ...env, SQLITE_PATH: join(dir, 'y.sqlite') }, dir).then((server) => measure('yardstick', server, {}, round)),
      );
    }
  }
}

/**
 * One and two instances on one PostgreSQL database, for this build and the baseline's; with the
 * offer variant, this build's one instance on an offer source too, right after its direct one.
 */
async function benchPostgres() {
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`PostgreSQL round ${round} of ${rounds}`);
    const runs = [];
    for (const build of builds) {
      runs.push({ build, count: 1 });
      if (build === builds[0] && variants.includes('offer')) runs.push({ build, count: 1, offer: true });
      runs.push({ build, count: 2 });
    }
    for (const { build, count, offer } of runs) {
      await withPostgresDatabase(async (databaseUrl) => {
        const first = await startService({ DATABASE_URL: databaseUrl }, build.cwd);
        await first.ready; // migrate once before the second starts
        const others = await Promise.all(Array.from({ length: count - 1 }, () => startService({ DATABASE_URL: databaseUrl }, build.cwd)));
        await Promise.all(others.map((o) => o.ready));
        const setup = await setUp(first.url, { offer });
        const name = `service ${build.label}PostgreSQL ${offer ? 'offer ' : ''}x${count}`;
        try {
          const all = [first, ...others];
          const sum = (results) => ({
            rps: results.reduce((s, r) => s + r.rps, 0),
            p50: Math.max(...results.map((r) => r.p50)),
            p99: Math.max(...results.map((r) => r.p99)),
            non2xx: results.reduce((s, r) => s + r.non2xx, 0),
            errors: results.reduce((s, r) => s + r.errors, 0),
            // the instances' CPU over all their requests
            cpuUs: results.every((r) => r.cpuUs !== undefined)
              ? results.reduce((s, r) => s + r.cpuUs * r.requests, 0) / results.reduce((s, r) => s + r.requests, 0)
              : undefined,
          });
          const requests = all.map((_, i) => ({ sourceId: setup.sourceId, headers: {}, tag: `${name}-${i}-${Date.now()}` }));
          await Promise.all(all.map((a, i) => warmUp(a.url, requests[i])));
          record(name, 'GET /health', { ...sum(await Promise.all(all.map((a) => phase(a, '/health')))), round });
          record(name, 'POST /requests', {
            ...sum(await Promise.all(all.map((a, i) => phase(a, '/requests', requests[i])))),
            round,
          });
        } finally {
          await Promise.all([first, ...others].map((a) => a.stop()));
        }
      });
    }
  }
}

module.exports = { benchSqlite, benchPostgres };
