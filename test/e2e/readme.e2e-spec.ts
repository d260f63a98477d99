import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, TestApp } from '../utils/create-test-app';

const run = promisify(execFile);

interface Command {
  line: number;
  text: string;
  /** From the `# → NNN` line that follows the command; undefined: any 2xx. */
  expected?: number;
}

/**
 * The README's `curl` commands, in order: those in ```bash blocks that call localhost:3000 and
 * need no key (no shell variable, no Authorization or X-API-Key header).
 */
function readmeCommands(markdown: string): Command[] {
  const lines = markdown.split('\n');
  const commands: Command[] = [];
  let inBash = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.startsWith('```')) {
      inBash = !inBash && line.trim() === '```bash';
      continue;
    }
    if (!inBash) continue;
    const annotation = /^# → (\d{3})\b/.exec(line.trim());
    if (annotation && commands.length > 0 && commands.at(-1)!.expected === undefined) {
      commands.at(-1)!.expected = Number(annotation[1]);
      continue;
    }
    if (!line.trim().startsWith('curl ')) continue;
    const start = index + 1;
    let text = line.trim();
    while (text.endsWith('\\')) text = `${text.slice(0, -1).trimEnd()} ${lines[++index].trim()}`;
    if (!text.includes('localhost:3000') || /\$|authorization|x-api-key/i.test(text)) continue;
    commands.push({ line: start, text });
  }
  return commands;
}

/**
 * The routes the README's route table (the one headed `| route | what |`) names, as
 * `METHOD /path` with every path parameter written `{}`: `POST/GET /sources/{id}/keys` names two,
 * a bare path is a GET, and a query (`?waiting=true`) is kept apart.
 */
function routeTable(markdown: string): { routes: Set<string>; text: string } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^\|\s*route\s*\|\s*what\s*\|/.test(line));
  const rows: string[] = [];
  for (let index = start + 2; start >= 0 && lines[index]?.startsWith('|'); index++) {
    rows.push(lines[index]);
  }
  const routes = new Set<string>();
  for (const row of rows) {
    const cell = row.split('|')[1] ?? '';
    for (const [, span] of cell.matchAll(/`([^`]+)`/g)) {
      const match = /^(?:([A-Z/]+) )?(\/[^\s?]*)/.exec(span.trim());
      if (!match) continue;
      const path = normalisePath(match[2]);
      for (const method of (match[1] ?? 'GET').split('/')) routes.add(`${method} ${path}`);
    }
  }
  return { routes, text: rows.join('\n') };
}

const normalisePath = (path: string) => path.replace(/\{[^}]*\}|:\w+/g, '{}');

describe('README route table', () => {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  const document = JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'docs', 'openapi.json'), 'utf8'),
  ) as { paths: Record<string, Record<string, unknown>> };

  it('lists every route of docs/openapi.json, with its method', () => {
    const { routes } = routeTable(readme);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${normalisePath(path)}`),
    );
    expect(documented.length).toBeGreaterThan(30);
    expect(documented.filter((route) => !routes.has(route))).toEqual([]);
    // And nothing the API does not have (the console and the docs are pages, not API routes).
    const pages = ['GET /console', 'GET /docs', 'GET /docs-json'];
    expect(
      [...routes].filter((route) => !documented.includes(route) && !pages.includes(route)),
    ).toEqual([]);
  });

  it('names the pages and the queue filter too', () => {
    const { routes, text } = routeTable(readme);
    expect(routes).toContain('GET /console');
    expect(routes).toContain('GET /docs');
    expect(text).toContain('waiting=true');
  });
});

// Needs the curl binary, as the README does.
describe('README walkthrough (e2e)', () => {
  let t: TestApp;
  const commands = readmeCommands(readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8'));

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('has the walkthrough, each command with its expected status', () => {
    expect(commands.length).toBeGreaterThanOrEqual(10);
    expect(commands.filter((command) => command.expected === undefined)).toEqual([]);
  });

  it('answers every command with its documented status, top to bottom on a fresh database', async () => {
    const { port } = new URL(t.url);
    const outcomes: string[] = [];
    for (const command of commands) {
      const script = `${command.text.replaceAll('localhost:3000', `127.0.0.1:${port}`)} -o /dev/null -w '%{http_code}'`;
      const { stdout } = await run('sh', ['-c', script], { timeout: 30_000 });
      outcomes.push(`README.md:${command.line} ${stdout.trim()} ${command.text}`);
    }
    expect(outcomes).toEqual(
      commands.map((command) => `README.md:${command.line} ${command.expected} ${command.text}`),
    );
  });
});
