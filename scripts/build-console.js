#!/usr/bin/env node
/**
 * Builds the console (console/ → console/dist, served at /console) with Vite. One place for
 * `npm run build:console`, `npm start` (scripts/start.js) and the browser tests.
 */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const root = path.join(__dirname, '..');

function buildConsole() {
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'console/vite.config.mts',
      '--logLevel',
      'warn',
    ],
    { cwd: root, stdio: 'inherit' },
  );
}

module.exports = { buildConsole };

if (require.main === module) buildConsole();
