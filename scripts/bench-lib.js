/** What scripts/bench-queue.js and scripts/bench-growth.js share: the app, JSON calls, a POST load. */
const { spawn } = require('node:child_process');
const { createServer } = require('node:net');
const autocannon = require('autocannon');

const seconds = Number(process.env.BENCH_SECONDS || 8);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A Node server (`args` after node) on 127.0.0.1:port, once its /health answers. */
async function startServer(args, port, env, cwd) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${url} did not come up`);
}

/** The built app (dist/main.js) in production mode on 127.0.0.1:port, once /health answers. */
function startApp(port, env) {
  return startServer(['dist/main.js'], port, { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...env });
}

async function stopApp(child) {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

/** POST /requests for BENCH_SECONDS, a new lead per request (`${tag}-n`); autocannon's result. */
function postLoad(url, sourceId, tag) {
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/requests`,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({
              ...req,
              body: JSON.stringify({ lead_external_id: `${tag}-${n++}`, source_id: sourceId }),
            }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/** A port nobody listens on now (several people may benchmark on one machine). */
function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

module.exports = { freePort, seconds, connections, call, startServer, startApp, stopApp, postLoad };
