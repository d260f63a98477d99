import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, TestApp } from '../utils/create-test-app';

const root = join(__dirname, '..', '..');
const committedPath = join(root, 'docs', 'openapi.json');
const run = promisify(execFile);

/** Runs a package's CLI with node, bounded; resolves with its exit code and output. */
async function cli(bin: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, bin), ...args], {
      cwd: root,
      timeout: 120_000,
      maxBuffer: 16 * 1024 * 1024,
      env: {
        ...process.env,
        NO_COLOR: '1',
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
      },
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

type Json = Record<string, any>;

/** Every schema object in the document, with its JSON path. */
function* schemas(node: unknown, path = '#'): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [index, item] of node.entries()) yield* schemas(item, `${path}/${index}`);
  } else if (node && typeof node === 'object') {
    const object = node as Json;
    if (typeof object.type === 'string' || object.nullable !== undefined) yield [path, object];
    for (const [key, value] of Object.entries(object)) yield* schemas(value, `${path}/${key}`);
  }
}

/**
 * The JSON paths of every `default` keyword under `schema`, following `$ref`s into `document`
 * (each component once). A property named "default", or a key of an example value, is not one.
 */
function defaultsUnder(document: Json, schema: unknown, path: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const visit = (node: unknown, at: string, inProperties: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${at}/${index}`, false));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Json;
    if (typeof object.$ref === 'string' && !seen.has(object.$ref)) {
      seen.add(object.$ref);
      const target = object.$ref
        .replace(/^#\//, '')
        .split('/')
        .reduce<unknown>((parent, key) => (parent as Json | undefined)?.[key], document);
      visit(target, object.$ref, false);
    }
    for (const [key, value] of Object.entries(object)) {
      if (inProperties) {
        visit(value, `${at}/${key}`, false);
      } else if (key === 'default') {
        found.push(`${at}/default`);
      } else if (key !== 'example' && key !== 'examples') {
        visit(value, `${at}/${key}`, key === 'properties');
      }
    }
  };
  visit(schema, path, false);
  return found;
}

// The linters and the type-check read only the committed file: once (in the SQLite run) is enough.
const once = process.env.E2E_DATABASE === 'postgres' ? it.skip : it;

describe('OpenAPI document (e2e)', () => {
  let t: TestApp;
  let served: Json;
  const committed = JSON.parse(readFileSync(committedPath, 'utf8')) as Json;

  beforeAll(async () => {
    t = await createTestApp();
    served = (await t.http().get('/docs-json').expect(200)).body;
  });
  afterAll(() => t.close());

  it('docs/openapi.json is what the app serves (run `npm run openapi` after changing a route)', () => {
    expect(committed).toEqual(served);
  });

  it('types nullable strings as strings, and ids and counts as integers', () => {
    const FRACTION_PARAMETERS = new Set(['target_service_level']);
    const problems: string[] = [];
    for (const [path, schema] of schemas(committed)) {
      if (schema.nullable && !schema.type && !schema.$ref && !schema.allOf && !schema.oneOf) {
        problems.push(`${path}: nullable without a type`);
      }
      if (
        schema.type === 'object' &&
        schema.example !== undefined &&
        typeof schema.example !== 'object'
      ) {
        problems.push(`${path}: an object with a scalar example (a mistyped scalar)`);
      }
    }
    for (const [name, schema] of Object.entries(committed.components.schemas as Json)) {
      for (const [property, field] of Object.entries((schema.properties ?? {}) as Json)) {
        const countLike =
          /(^|_)(id|load|weight|requests|assigned|unassigned|statusCode)$/.test(property) ||
          /^(total|unassigned|active)_/.test(property);
        if (countLike && field.type === 'number') problems.push(`${name}.${property}: number`);
      }
    }
    for (const [path, item] of Object.entries(committed.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        for (const parameter of operation.parameters ?? []) {
          // A share in (0, 1) is a fraction by nature; any other number parameter is a count.
          if (parameter.schema?.type === 'number' && !FRACTION_PARAMETERS.has(parameter.name)) {
            problems.push(`${method.toUpperCase()} ${path} ${parameter.name}: number`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('implies no default in a PATCH body: a generated client would make the field required', () => {
    const defaults: string[] = [];
    let bodies = 0;
    for (const [path, item] of Object.entries(committed.paths as Json)) {
      const content = (item as Json).patch?.requestBody?.content as Json | undefined;
      for (const [type, media] of Object.entries(content ?? {})) {
        bodies += 1;
        const found = defaultsUnder(committed, (media as Json).schema, 'schema');
        defaults.push(...found.map((where) => `PATCH ${path} (${type}): ${where}`));
      }
    }
    expect(bodies).toBeGreaterThanOrEqual(3); // operators, sources, webhooks (at least)
    expect(defaults).toEqual([]);
  });

  it('describes every response and tag, the servers and the key schemes truthfully', () => {
    const undescribed: string[] = [];
    for (const [path, item] of Object.entries(committed.paths as Json)) {
      for (const [method, operation] of Object.entries(item as Json)) {
        for (const [status, response] of Object.entries(operation.responses as Json)) {
          if (!response.description) undescribed.push(`${method.toUpperCase()} ${path} ${status}`);
        }
      }
    }
    expect(undescribed).toEqual([]);
    expect(committed.servers.length).toBeGreaterThan(0);
    const used = new Set(
      Object.values(committed.paths as Json).flatMap((item) =>
        Object.values(item as Json).flatMap((operation) => (operation.tags ?? []) as string[]),
      ),
    );
    const tags = committed.tags as Array<{ name: string; description?: string }>;
    expect(tags.map((tag) => tag.name).sort()).toEqual([...used].sort());
    expect(tags.filter((tag) => !tag.description)).toEqual([]);
    const schemes = committed.components.securitySchemes as Json;
    expect(schemes.bearer.bearerFormat).toBeUndefined(); // the keys are not JWTs
    expect(schemes.bearer.description).toMatch(/not a JWT/);
  });

  it('gives each route 400 examples of its own fields', () => {
    const examples = (path: string, method: string): string[] => {
      const content = committed.paths[path][method].responses['400'].content['application/json'];
      const values = content.examples
        ? Object.values(content.examples as Json).map((example) => example.value)
        : [content.example];
      return values.flatMap((value: Json) => value.message as string[]);
    };
    expect(examples('/requests', 'post')).toContain('source_id is required');
    expect(examples('/operators', 'post')).toContain('name is required');
    expect(examples('/requests', 'post').join(' ')).not.toMatch(/\bname must/);
    expect(examples('/operators/{id}', 'get')).toEqual(['id must be a positive integer']);
    // A DTO-driven example is also what the API answers.
    const example = examples('/requests', 'post');
    expect(example.slice(0, 2)).toEqual(['lead_external_id is required', 'source_id is required']);
  });

  it('serves Swagger UI with the API’s title', async () => {
    const page = await t.http().get('/docs').redirects(1).expect(200);
    expect(page.text).toMatch(/<title>Lead distribution service API[^<]*<\/title>/);
  });

  once('passes `redocly lint` (recommended rules) with no error', async () => {
    const result = await cli('node_modules/@redocly/cli/bin/cli.js', [
      'lint',
      'docs/openapi.json',
      '--format=summary',
    ]);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
  });

  once('passes `spectral lint` (spectral:oas) with no error', async () => {
    const result = await cli('node_modules/@stoplight/spectral-cli/dist/index.js', [
      'lint',
      'docs/openapi.json',
      '--ruleset',
      '.spectral.yaml',
      '--fail-severity',
      'error',
    ]);
    expect({ code: result.code, output: result.output }).toMatchObject({ code: 0 });
  });

  describe('a client generated by openapi-typescript and called with openapi-fetch', () => {
    beforeAll(async () => {
      mkdirSync(join(root, 'test', 'client', 'generated'), { recursive: true });
      const generated = await cli('node_modules/openapi-typescript/bin/cli.js', [
        'docs/openapi.json',
        '-o',
        'test/client/generated/schema.d.ts',
      ]);
      if (generated.code !== 0) throw new Error(`openapi-typescript failed:\n${generated.output}`);
    });

    once('type-checks (tsc --strict)', async () => {
      const result = await cli('node_modules/typescript/bin/tsc', [
        '-p',
        'test/client/tsconfig.json',
      ]);
      expect({ code: result.code, output: result.output }).toEqual({ code: 0, output: '' });
    });

    it('runs the seed scenario against the app', async () => {
      // Loaded only now: its types are generated in beforeAll.
      const { runSeedScenario } =
        jest.requireActual<typeof import('../client/seed-client')>('../client/seed-client');
      const outcome = await runSeedScenario(t.url);
      expect(outcome.request).toMatchObject({
        source_id: outcome.sourceId,
        status: 'active',
        message: 'Need help with setup',
      });
      expect(outcome.operatorIds).toContain(outcome.request.operator_id);
      expect(outcome.closed.status).toBe('closed');
      const stats = outcome.stats.find((entry) => entry.source_id === outcome.sourceId);
      expect(stats).toMatchObject({ total_requests: 1, unassigned_requests: 0 });
      // Each partial PATCH changed the one field it named, nothing else (no default applied:
      // Alice's max_load stays 5, not the 10 a new operator gets).
      expect(outcome.patched.operator).toMatchObject({
        id: outcome.operatorIds[0],
        name: 'Alice',
        is_active: false,
        max_load: 5,
      });
      expect(outcome.patched.source).toMatchObject({
        id: outcome.sourceId,
        name: 'Telegram Bot',
        description: 'Main support channel',
        strategy: null,
        sticky: true,
      });
      expect(outcome.patched.webhook).toMatchObject({
        url: 'https://crm.example.com/hooks',
        source_id: outcome.sourceId,
        is_active: false,
      });
    });
  });
});
