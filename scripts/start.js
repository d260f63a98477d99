#!/usr/bin/env node
/**
 * `npm start`: build when the sources are newer than the last build, then run the app in this
 * process (signals: see the end of this file). Several instances started at once (one machine, one checkout) take turns on a lock
 * directory, so one builds and the others reuse its output instead of deleting it under it.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { buildConsole } = require('./build-console');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
const lock = path.join(root, '.build-lock');
const consoleIndex = path.join(root, 'console', 'dist', 'index.html');
const inputs = [
  'src',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
  'console/src',
  'console/index.html',
  'console/tsconfig.json',
  'console/vite.config.mts',
];

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(entry)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

function upToDate() {
  const built = fs.statSync(stamp, { throwIfNoEntry: false });
  return (
    built !== undefined &&
    fs.existsSync(consoleIndex) &&
    built.mtimeMs >= Math.max(...inputs.map((i) => newestMtime(path.join(root, i))))
  );
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock(work) {
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) fs.rmSync(lock, { recursive: true, force: true }); // left by a killed build
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      sleep(200);
    }
  }
  try {
    work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

if (!upToDate()) {
  withLock(() => {
    if (upToDate()) return;
    // On stdout, so that stderr keeps only a failed start's one line.
    console.log('building the app (first start or changed sources)…');
    execFileSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], {
      cwd: root,
      stdio: 'inherit',
    });
    buildConsole();
    fs.writeFileSync(stamp, new Date().toISOString());
  });
}

// `npm start` runs this script as `exec node scripts/start.js` (package.json), so npm's own
// forwarding of SIGTERM and SIGINT reaches this process, which is the server: Nest's shutdown
// hooks then stop it gracefully. Should npm itself die without forwarding (SIGKILL), the server
// would be left listening as an orphan: notice the parent change and stop the same way.
if (process.env.npm_lifecycle_event) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, 1000).unref();
}
require(path.join(dist, 'main.js'));
