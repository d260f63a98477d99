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
