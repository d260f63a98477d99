#!/usr/bin/env node
/**
 * `npm run openapi`: writes docs/openapi.json, the document the app serves at /docs-json, from the
 * built app (`npm run openapi` builds first). No server is started and no database file is touched:
 * the app is created on an in-memory SQLite database with a clean configuration, the document is
 * built, and the app is closed. Run it after changing a route or a DTO, and commit the result:
 * test/e2e/openapi.e2e-spec.ts fails while the committed file differs from what the app serves.
 *
 *   npm run openapi            # rewrite docs/openapi.json
 *   npm run openapi -- --check # exit 1 (and write nothing) when docs/openapi.json is stale
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const target = path.join(root, 'docs', 'openapi.json');

// The document depends on the code only; make sure no local setting (.env, a shell export)
// reaches the app: an in-memory database, no keys, quiet logs.
for (const key of Object.keys(process.env)) {
  if (/^(PORT|HOST|SQLITE_PATH|DATABASE_|DISTRIBUTION_|LOG_LEVEL|NODE_ENV|BODY_LIMIT|ADMIN_API_KEYS|METRICS_TOKEN|IDEMPOTENCY_|RATE_LIMIT_|CORS_|TRUST_PROXY)/.test(key)) {
    delete process.env[key];
  }
}
Object.assign(process.env, { SQLITE_PATH: ':memory:', LOG_LEVEL: 'fatal', NODE_ENV: 'production' });

/** The document as the file holds it: 2-space JSON and a final newline. */
function serialize(document) {
  return `${JSON.stringify(document, null, 2)}\n`;
}

async function main() {
  const dist = path.join(root, 'dist');
  if (!fs.existsSync(path.join(dist, 'app.module.js'))) {
    throw new Error('dist/ is missing: run `npm run openapi` (it builds first), not this script alone');
  }
  const { NestFactory } = require('@nestjs/core');
  const { AppModule } = require(path.join(dist, 'app.module'));
  const { createOpenApiDocument } = require(path.join(dist, 'common', 'openapi'));
  const app = await NestFactory.create(AppModule, { logger: false, abortOnError: false });
  try {
    const text = serialize(createOpenApiDocument(app));
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
    if (process.argv.includes('--check')) {
      if (text !== current) throw new Error(`${path.relative(root, target)} is stale: run npm run openapi`);
      console.log(`${path.relative(root, target)} is up to date`);
      return;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
    const document = JSON.parse(text);
    const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    console.log(`wrote ${path.relative(root, target)}: ${operations} operations`);
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
