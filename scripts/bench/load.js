/** Load on one server, from wrk when it is installed, else autocannon; and a measured phase. */
const { spawn } = require('node:child_process');
const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { seconds, connections, warmupSeconds, useWrk } = require('./options');

/** One phase of load: { rps, p50, p99 (ms), requests, non2xx, errors (socket errors and timeouts) }. */
async function load(url, path, request, duration = seconds) {
  return useWrk ? loadWithWrk(url, path, request, duration) : loadWithAutocannon(url, path, request, duration);
}

/** Unmeasured load on the hot path, so that what follows measures the server with its code compiled. */
async function warmUp(url, request) {
  if (warmupSeconds > 0) await load(url, '/requests', { ...request, tag: `${request.tag}-warm-up` }, warmupSeconds);
}

async function loadWithWrk(url, path, request, duration) {
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--latency'];
  let script;
  if (request) {
    script = join(mkdtempSync(join(tmpdir(), 'lds-wrk-')), 'post.lua');
    const headers = Object.entries({ 'Content-Type': 'application/json', ...request.headers })
      .map(([k, v]) => `["${k}"]="${v}"`)
      .join(', ');
    writeFileSync(
      script,
      `local n = 0
local seed = math.random(1, 1000000000)
request = function()
  n = n + 1
  local body = '{"lead_external_id":"${request.tag}-' .. seed .. '-' .. n .. '","source_id":${request.sourceId},"message":"bench"}'
  return wrk.format("POST", "${path}", {${headers}}, body)
end
`,
    );
    args.push('-s', script);
  }
  args.push(request ? url : url + path);
  const out = await new Promise((res, rej) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', () => res(text));
    child.on('error', rej);
  });
  if (script) rmSync(resolve(script, '..'), { recursive: true, force: true });
  const ms = (v) => (v === undefined ? NaN : /us$/.test(v) ? parseFloat(v) / 1000 : /ms$/.test(v) ? parseFloat(v) : parseFloat(v) * 1000);
  const pick = (re) => (out.match(re) || [])[1];
  const errors = [...out.matchAll(/(connect|read|write|timeout) (\d+)/g)].reduce((s, m) => s + Number(m[2]), 0);
  return {
    rps: Number(pick(/Requests\/sec:\s+([\d.]+)/)),
    p50: ms(pick(/^\s+50%\s+(\S+)/m)),
    p99: ms(pick(/^\s+99%\s+(\S+)/m)),
    requests: Number(pick(/(\d+) requests in/)),
    non2xx: Number(pick(/Non-2xx or 3xx responses: (\d+)/) || 0),
    errors,
  };
}

async function loadWithAutocannon(url, path, request, duration) {
  const autocannon = require('autocannon');
  let n = 0;
  const options = request
    ? {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        requests: [
          {
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ lead_external_id: `${request.tag}-${n++}`, source_id: request.sourceId, message: 'bench' }),
            }),
          },
        ],
      }
    : {};
  const result = await new Promise((res, rej) =>
    autocannon({ url: url + path, connections, duration, ...options }, (err, r) => (err ? rej(err) : res(r))),
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** One phase, with the server's CPU time per request (less sensitive to a busy machine than req/s). */
async function phase(server, path, request, duration = seconds) {
  const before = server.cpuSeconds();
  const figures = await load(server.url, path, request, duration);
  const after = server.cpuSeconds();
  const cpuUs = before !== undefined && after !== undefined && figures.requests ? ((after - before) * 1e6) / figures.requests : undefined;
  return { ...figures, cpuUs };
}

module.exports = { load, warmUp, phase };
