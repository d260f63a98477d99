/** POST /requests with and without webhook subscriptions, to a local receiver (BENCH_WEBHOOKS=1). */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { setPriority, tmpdir } = require('node:os');
const { join } = require('node:path');
const { startService, cpuSeconds, post, setUp } = require('./servers');
const { warmUp, phase } = require('./load');
const { record, printWebhookSummary } = require('./report');

/** A webhook receiver for the bench: answers every request on a keep-alive connection with 204. */
const BARE_RECEIVER = `
const answer = Buffer.from('HTTP/1.1 204 No Content\\r\\n\\r\\n');
const server = require('node:net').createServer((socket) => {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let answers = 0;
    for (;;) {
      const headEnd = pending.indexOf('\\r\\n\\r\\n');
      if (headEnd < 0) break;
      const length = /content-length: *(\\d+)/i.exec(pending.toString('latin1', 0, headEnd));
      const end = headEnd + 4 + (length ? Number(length[1]) : 0);
      if (pending.length < end) break;
      pending = pending.subarray(end);
      answers++;
    }
    if (answers > 0) socket.write(answers === 1 ? answer : Buffer.concat(Array(answers).fill(answer)));
  });
  socket.on('error', () => {});
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/**
 * POST /requests with no webhook, with one active webhook to every event, and with one to
 * request.assigned only. Each setup is its own server, started and warmed up once; then short
 * measured phases take turns between the three, BENCH_WEBHOOK_ROUNDS times. A shared machine's
 * speed drifts by a quarter within a minute, so a ratio is only as good as how close in time its
 * two figures were taken: phases of a round are seconds apart, and each round's order is
 * rotated so that no setup always runs first.
 */
async function benchWebhooks() {
  // The receiver is its own process, and stands in for an integration on another machine: at the
  // lowest CPU priority, and a bare HTTP/1.1 responder on a socket (it frames each request by its
  // content-length and answers 204), so that on a two-core machine it takes as little as it can
  // from the service under test (which it would not take at all in production). Node's own HTTP
  // server cost about as much CPU per delivery as the service spends on the intake's webhook work.
  const receiver = spawn(process.execPath, ['-e', BARE_RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((r) => receiver.stdout.once('data', (d) => r(Number(String(d).trim()))));
  try {
    setPriority(receiver.pid, 19);
  } catch {}
  const hookUrl = `http://127.0.0.1:${port}/hooks`;
  const rounds = Number(process.env.BENCH_WEBHOOK_ROUNDS || 1);
  const phaseSeconds = Number(process.env.BENCH_WEBHOOK_SECONDS || 5);
  const pending = async (url) => {
    const text = await (await fetch(`${url}/metrics`)).text();
    return Number(/^webhook_pending_deliveries (\d+)/m.exec(text)?.[1] ?? 0);
  };
  // No subscription; one to every event (two deliveries per intake: request.created and
  // request.assigned); one to request.assigned only (one delivery per intake, what a helpdesk
  // integration typically listens to).
  const setups = [
    { label: 'no webhook', subscribed: false },
    { label: 'one webhook, all', subscribed: true },
    { label: 'one webhook, assigned', subscribed: true, events: ['request.assigned'] },
  ];
  // WEBHOOK_POLL_INTERVAL_MS=0 turns the dispatcher off: nothing is sent, the outbox insert alone
  // is measured.
  const sending = process.env.WEBHOOK_POLL_INTERVAL_MS !== '0';
  // One server per setup, in the setups' order: its label, the load it takes, how to wait for it.
  const runs = [];
  try {
    for (const spec of setups) {
      const dir = mkdtempSync(join(tmpdir(), 'lds-bench-'));
      const server = await startService({ SQLITE_PATH: join(dir, 'bench.sqlite'), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
      const run = { dir, server };
      runs.push(run);
      await server.ready;
      if (spec.subscribed) await post(`${server.url}/webhooks`, { url: hookUrl, ...(spec.events ? { events: spec.events } : {}) });
      const setup = await setUp(server.url);
      const label = `service ${spec.label}`;
      const request = { sourceId: setup.sourceId, headers: {}, tag: `${label}-${Date.now()}` };
      // Until every event is delivered: each phase starts with no backlog, and ends once its own
      // deliveries are sent (the whole cost of its requests).
      const drained = async () => {
        const start = Date.now();
        while (spec.subscribed && sending && (await pending(server.url)) > 0 && Date.now() - start < 120000) {
          await new Promise((r) => setTimeout(r, 200));
        }
      };
      Object.assign(run, { label, request, drained });
    }
    // Warmed up in turn, once all are up (an idle server only runs its fallback poll).
    for (const run of runs) {
      await warmUp(run.server.url, run.request);
      await run.drained();
    }
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < runs.length; i++) {
        const { server, label, request, drained } = runs[(i + round) % runs.length];
        const before = server.cpuSeconds();
        const mainBefore = server.mainThreadCpuSeconds();
        const sendingBefore = server.sendingThreadCpuSeconds();
        const receiverBefore = cpuSeconds(receiver.pid);
        const result = await phase(server, '/requests', request, phaseSeconds);
        record(label, 'POST /requests', { ...result, round });
        const during = server.cpuSeconds() - before;
        const mainDuring = server.mainThreadCpuSeconds() - mainBefore;
        const sendingDuring = server.sendingThreadCpuSeconds() - sendingBefore;
        const receiverDuring = cpuSeconds(receiver.pid) - receiverBefore;
        const start = Date.now();
        await drained();
        const total = server.cpuSeconds() - before;
        const n = result.requests;
        if (during !== undefined && n) {
          const ms = (seconds) => ((seconds * 1000) / n).toFixed(3);
          console.log(
            `${label}: CPU per request during the run: event loop ${ms(mainDuring)} ms, sending thread ` +
              `${ms(sendingDuring)} ms, the app's other threads (GC helpers, libuv) ` +
              `${ms(during - mainDuring - sendingDuring)} ms; receiver ${ms(receiverDuring)} ms. ` +
              `${ms(total)} ms of app CPU with its webhooks delivered (${((Date.now() - start) / 1000).toFixed(1)} s to drain)`,
          );
        }
      }
    }
  } finally {
    await Promise.all(runs.map(({ server }) => server.stop()));
    for (const { dir } of runs) rmSync(dir, { recursive: true, force: true });
    receiver.kill('SIGTERM');
  }
  printWebhookSummary(
    setups.map(({ label }) => label),
    rounds,
  );
}

module.exports = { benchWebhooks };
