#!/usr/bin/env node
/**
 * The waiting queue's cost, on the built app with a fresh SQLite file (part of `npm run bench`;
 * alone: `npm run build && node scripts/bench-queue.js`). Prints, measured in one run:
 *   1. POST /requests throughput with an empty queue, then with QUEUE_SIZE (10 000) requests
 *      waiting on another source (the hot path must not care how long the queue is), and
 *      POST /requests that itself joins the long queue;
 *   2. the latency of a close that frees a unit nobody waits for, against a close that drains
 *      the oldest waiting request into the freed unit.
 * Options (env): BENCH_SECONDS (8), BENCH_CONNECTIONS (50), QUEUE_SIZE (10000), CLOSES (1000).
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { seconds, connections, call, startApp, stopApp, postLoad } = require('./bench-lib');

const queueSize = Number(process.env.QUEUE_SIZE || 10000);
const closes = Number(process.env.CLOSES || 1000);

/** Runs `work` `count` times one after another; returns the mean milliseconds per call. */
async function meanMs(count, work) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await work(i);
  return Number(process.hrtime.bigint() - start) / 1e6 / count;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'lds-bench-queue-'));
  const port = 4300 + Math.floor(Math.random() * 500);
  const { url, child } = await startApp(port, {
    DRAIN_INTERVAL_MS: '0',
    SQLITE_PATH: join(dir, 'crm.sqlite'),
  });
  try {
    const open = await call(`${url}/sources`, 'POST', { name: 'open' });
    const weights = [];
    for (let i = 1; i <= 10; i++) {
      const op = await call(`${url}/operators`, 'POST', { name: `op ${i}`, max_load: 100000 });
      weights.push({ operator_id: op.id, weight: i });
    }
    await call(`${url}/sources/${open.id}/weights`, 'POST', weights);

    await postLoad(url, open.id, 'warm'); // warm-up: the JIT, the statement caches
    const empty = await postLoad(url, open.id, 'empty');

    // A source whose only operator is full: everything sent to it waits.
    const full = await call(`${url}/sources`, 'POST', { name: 'full' });
    const busy = await call(`${url}/operators`, 'POST', { name: 'busy', max_load: 1 });
    await call(`${url}/sources/${full.id}/weights`, 'POST', [{ operator_id: busy.id, weight: 1 }]);
    const holder = await call(`${url}/requests`, 'POST', { lead_external_id: 'holder', source_id: full.id });
    for (let i = 0; i < queueSize; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, queueSize - i) }, (_, j) =>
          call(`${url}/requests`, 'POST', { lead_external_id: `w-${i + j}`, source_id: full.id }),
        ),
      );
    }
    const stats = await call(`${url}/requests/distribution/stats`, 'GET');
    const waiting = stats.find((s) => s.source_id === full.id).waiting_requests;

    const withQueue = await postLoad(url, open.id, 'queued');
    const joining = await postLoad(url, full.id, 'joining');

    // Plain closes: requests of the open source, nobody waits for their operators.
    const plain = [];
    for (let i = 0; i < closes; i++) {
      plain.push(await call(`${url}/requests`, 'POST', { lead_external_id: `p-${i}`, source_id: open.id }));
    }
    const plainMs = await meanMs(closes, (i) =>
      call(`${url}/requests/${plain[i].id}/status?status=closed`, 'PATCH'),
    );
    // Draining closes: each frees busy's only unit, which the oldest waiting request takes.
    let current = holder.id;
    const drainMs = await meanMs(closes, async () => {
      await call(`${url}/requests/${current}/status?status=closed`, 'PATCH');
      const [next] = await call(`${url}/requests?operator_id=${busy.id}&status=active`, 'GET');
      current = next.id;
    });
    // The lookup of the next request is not part of a close: measure it alone and subtract.
    const lookupMs = await meanMs(closes, () =>
      call(`${url}/requests?operator_id=${busy.id}&status=active`, 'GET'),
    );

    const rps = (r) => Math.round(r.requests.average);
    console.log(`\nWaiting queue (SQLite, ${connections} connections, ${seconds} s per phase)`);
    console.log(`| POST /requests | req/s | p50 ms | p99 ms |`);
    console.log(`| --- | --- | --- | --- |`);
    console.log(`| empty queue | ${rps(empty)} | ${empty.latency.p50} | ${empty.latency.p99} |`);
    console.log(`| ${waiting} waiting on another source | ${rps(withQueue)} | ${withQueue.latency.p50} | ${withQueue.latency.p99} |`);
    console.log(`| joining a queue of ${waiting}+ | ${rps(joining)} | ${joining.latency.p50} | ${joining.latency.p99} |`);
    console.log(`ratio with queue / empty: ${(rps(withQueue) / rps(empty)).toFixed(2)}`);
    const drainOnly = drainMs - lookupMs;
    console.log(`\nPATCH …/status?status=closed, mean of ${closes} sequential calls`);
    console.log(`plain close: ${plainMs.toFixed(2)} ms; close that drains one: ${drainOnly.toFixed(2)} ms; ratio ${(drainOnly / plainMs).toFixed(2)}`);
  } finally {
    await stopApp(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
