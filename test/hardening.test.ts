/**
 * Bad input never crashes a scan, never loses a file silently and never changes the answer:
 * broken syntax, odd encodings and line endings, giant and deeply nested code, binary junk,
 * symbolic links, awkward paths, a rule that throws, and file systems that list in any order.
 * Each case scans a temporary tree through the CLI (`run(argv, io)` in process, see
 * test/cli-harness.ts; the built executable where worker threads are started), or the scan() API
 * where a rule must be injected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli, spawnBin } from './cli-harness.js';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { RULES } from '../rules/index.js';
import { defineRule, type Rule } from '../src/rule.js';

/**
 * A silent verification whose call starts on line 4, column 12 (after `  return `... see below).
 */
const SILENT = [
  'import jwt from "jsonwebtoken";',
  'export function auth(token) {',
  '  try {',
  '    return jwt.verify(token, process.env.SECRET);',
  '  } catch (err) {',
  '    return null;',
  '  }',
  '}',
];
const SILENT_LINE = 4;
const SILENT_COLUMN = 12;

let root: string;
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-hard-'));
});
afterAll(() => {
  fs.chmodSync(root, 0o755);
  fs.rmSync(root, { recursive: true, force: true });
});

function tree(name: string, files: Record<string, string | Buffer>): string {
  const dir = path.join(root, name);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

interface JsonReport {
  findings: Array<{
    ruleId: string;
    location: { file: string; start: { line: number; column: number } };
  }>;
  summary: { filesScanned: number; filesSkipped: number };
  errors: Array<{
    kind: string;
    level: string;
    message: string;
    file?: string;
    line?: number;
    ruleId?: string;
  }>;
}

/** `jwt-audit ...args` in process from `cwd`. */
function run(args: string[], cwd: string) {
  return runCli(cwd, args);
}

async function json(
  dir: string,
  paths: string[] = ['.'],
): Promise<{ status: number | null; report: JsonReport; stderr: string }> {
  const r = await run(['scan', ...paths, '--format', 'json', '--fail-on', 'none'], dir);
  return { status: r.status, report: JSON.parse(r.stdout) as JsonReport, stderr: r.stderr };
}

const silentAt = (report: JsonReport) =>
  report.findings
    .filter((f) => f.ruleId === 'silent-verify-failure')
    .map((f) => `${f.location.file}:${f.location.start.line}:${f.location.start.column}`);

describe('broken and odd files', () => {
  it(
    'a file with syntax errors: findings in the recovered parts, listed as partially ' +
      'analysed in text, json and SARIF',
    async () => {
      const dir = tree('syntax', {
        'broken.js': [...SILENT, 'export const broken = (;', 'function half( {'].join('\n'),
      });
      const { status, report } = await json(dir);
      expect(status).toBe(0);
      expect(silentAt(report)).toEqual([`broken.js:${SILENT_LINE}:${SILENT_COLUMN}`]);
      expect(report.errors).toEqual([
        expect.objectContaining({
          kind: 'parse-error',
          file: 'broken.js',
          line: SILENT.length + 1,
        }),
      ]);
      const text = (await run(['scan', '.', '--no-color', '--fail-on', 'none'], dir)).stdout;
      expect(text).toMatch(
        /warning\s+broken\.js.*syntax error.*analysed as far as the parser recovered/,
      );
      const sarif = JSON.parse(
        (await run(['scan', '.', '--format', 'sarif', '--fail-on', 'none'], dir)).stdout,
      );
      expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(
        /syntax error/,
      );
    },
  );

  it(
    'BOM, CRLF, lone CR, Latin-1 bytes and invalid UTF-8 keep lines and columns where an ' +
      'editor shows them',
    async () => {
      const latin1 = Buffer.from(`// caf\xe9 cr\xe8me\n${SILENT.join('\n')}\n`, 'latin1');
      const invalid = Buffer.concat([
        Buffer.from('// \xff\xfe\xfd broken bytes\n', 'latin1'),
        Buffer.from(SILENT.join('\n')),
      ]);
      const dir = tree('encodings', {
        'bom.js': `\ufeff${SILENT.join('\n')}`,
        'crlf.js': SILENT.join('\r\n'),
        'cr.js': SILENT.join('\r'),
        'latin1.js': latin1,
        'invalid-utf8.js': invalid,
      });
      const { status, report } = await json(dir);
      expect(status).toBe(0);
      expect(silentAt(report).sort()).toEqual([
        `bom.js:${SILENT_LINE}:${SILENT_COLUMN}`,
        `cr.js:${SILENT_LINE}:${SILENT_COLUMN}`,
        `crlf.js:${SILENT_LINE}:${SILENT_COLUMN}`,
        `invalid-utf8.js:${SILENT_LINE + 1}:${SILENT_COLUMN}`,
        `latin1.js:${SILENT_LINE + 1}:${SILENT_COLUMN}`,
      ]);
    },
  );

  it('binary content with a .js name is skipped and reported', async () => {
    const dir = tree('binary', {
      'logo.js': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d, 0xff, 0x00]),
      'ok.js': SILENT.join('\n'),
    });
    const { status, report } = await json(dir);
    expect(status).toBe(0);
    expect(report.summary.filesScanned).toBe(1);
    expect(report.errors).toEqual([expect.objectContaining({ kind: 'skipped', file: 'logo.js' })]);
  });

  it('a 400,000-term expression is analysed without overflowing the stack', async () => {
    const terms = Array.from({ length: 400_000 }, (_, i) => `a${i % 10}`);
    const lines: string[] = [];
    for (let i = 0; i < terms.length; i += 20)
      lines.push(`  ${terms.slice(i, i + 20).join(' + ')} +`);
    const text = `${SILENT.join('\n')}\nexport const x =\n${lines.join('\n')} 0;\n`;
    // the CLI skips a file this size (over 1 MB) and says so...
    const dir = tree('huge', { 'generated.js': text });
    const { status, report } = await json(dir);
    expect(status).toBe(0);
    expect(report.errors).toEqual([
      expect.objectContaining({
        kind: 'skipped',
        file: 'generated.js',
        message: expect.stringMatching(/size|large|MB/i),
      }),
    ]);
    // ...and the analysis itself, given the file anyway, walks it without recursion
    const result = scan({
      files: ['/v/generated.js'],
      cwd: '/v',
      repoRoot: '/v',
      readFile: () => text,
      config: DEFAULT_CONFIG,
    });
    expect(result.notices).toEqual([]);
    expect(result.findings.map((f) => `${f.ruleId}:${f.location.start.line}`)).toEqual([
      `silent-verify-failure:${SILENT_LINE}`,
    ]);
  }, 60_000);

  it(
    'code nested deeper than the parser can follow is skipped and reported, and the rest is ' +
      'scanned',
    async () => {
      const depth = 5000;
      const nested =
        `${Array.from({ length: depth }, (_, i) => `if (a${i}) {`).join('\n')}\n` +
        `${'}\n'.repeat(depth)}`;
      const dir = tree('deep', { 'deep.js': nested, 'ok.js': SILENT.join('\n') });
      const { status, report } = await json(dir);
      expect(status).toBe(0);
      expect(report.errors).toEqual([
        expect.objectContaining({
          kind: 'skipped',
          file: 'deep.js',
          message: expect.stringMatching(/nested too deeply/),
        }),
      ]);
      expect(silentAt(report)).toEqual([`ok.js:${SILENT_LINE}:${SILENT_COLUMN}`]);
    },
  );
});

describe('file system', () => {
  it(
    'symbolic links are not followed: loops ' + 'terminate, links out of the root are reported',
    async () => {
      const outside = tree('outside', { 'secret.js': SILENT.join('\n') });
      const dir = tree('links', { 'src/ok.js': SILENT.join('\n') });
      fs.symlinkSync(path.join(dir, 'src'), path.join(dir, 'src', 'loop'));
      fs.symlinkSync(outside, path.join(dir, 'src', 'elsewhere'));
      fs.symlinkSync(path.join(outside, 'secret.js'), path.join(dir, 'src', 'secret.js'));
      const { status, report } = await json(dir);
      expect(status).toBe(0);
      expect(silentAt(report)).toEqual([`src/ok.js:${SILENT_LINE}:${SILENT_COLUMN}`]);
      const skipped = report.errors.filter((e) => e.kind === 'skipped').map((e) => e.file);
      expect(skipped).toEqual(
        expect.arrayContaining(['src/loop', 'src/elsewhere', 'src/secret.js']),
      );
    },
  );

  it(
    'paths with spaces and non-ASCII names, an empty folder, a single file, the same file ' +
      'twice',
    async () => {
      const dir = tree('paths', {
        'my src/jwt middleware.js': SILENT.join('\n'),
        'über/auth ✓.ts': SILENT.join('\n'),
      });
      fs.mkdirSync(path.join(dir, 'empty'));
      const all = await json(dir);
      expect(all.status).toBe(0);
      expect(silentAt(all.report).sort()).toEqual([
        `my src/jwt middleware.js:${SILENT_LINE}:${SILENT_COLUMN}`,
        `über/auth ✓.ts:${SILENT_LINE}:${SILENT_COLUMN}`,
      ]);
      const single = await json(dir, ['über/auth ✓.ts', 'über/auth ✓.ts', './über/auth ✓.ts']);
      expect(single.report.summary.filesScanned).toBe(1);
      expect(silentAt(single.report)).toEqual([`über/auth ✓.ts:${SILENT_LINE}:${SILENT_COLUMN}`]);
      const empty = await json(dir, ['empty']);
      expect(empty.status).toBe(0);
      expect(empty.report.summary.filesScanned).toBe(0);
    },
  );

  it('an unreadable file or folder is reported, never silently dropped', async () => {
    const dir = tree('unreadable', {
      'locked/a.js': SILENT.join('\n'),
      'closed.js': SILENT.join('\n'),
      'ok.js': SILENT.join('\n'),
    });
    fs.chmodSync(path.join(dir, 'locked'), 0o000);
    fs.chmodSync(path.join(dir, 'closed.js'), 0o000);
    try {
      const { status, report } = await json(dir);
      expect(status).toBe(0);
      // root reads through permissions: then the files are simply scanned
      const asRoot = process.getuid?.() === 0;
      const seen = new Set([
        ...silentAt(report).map((s) => s.split(':')[0]),
        ...report.errors.map((e) => e.file),
      ]);
      // every file is either analysed or reported
      for (const f of ['locked', 'closed.js', 'ok.js'])
        expect(
          [...seen].some((s) => s?.startsWith(f)),
          f,
        ).toBe(true);
      if (!asRoot)
        expect(report.errors.map((e) => e.file)).toEqual(expect.arrayContaining(['closed.js']));
    } finally {
      fs.chmodSync(path.join(dir, 'locked'), 0o755);
      fs.chmodSync(path.join(dir, 'closed.js'), 0o644);
    }
  });
});

describe('a rule that throws', () => {
  it(
    'the scan goes on with the other rules and facts, and the notice names the rule and ' +
      'file:line (the CLI turns it into exit 2)',
    async () => {
      const exploding: Rule = defineRule({
        meta: { ...RULES['silent-verify-failure'].meta, id: 'exploding-rule' },
        check({ facts, each, report }) {
          each(facts.verifications, (v) => {
            if (v.file.endsWith('b.js')) throw new TypeError('cannot read properties of undefined');
            report({ at: v, messageId: 'silent', data: { call: v.label } });
          });
        },
      }) as Rule;
      const files: Record<string, string> = {
        '/v/a.js': SILENT.join('\n'),
        '/v/b.js': SILENT.join('\n'),
        '/v/c.js': SILENT.join('\n'),
      };
      const result = scan({
        files: Object.keys(files),
        cwd: '/v',
        repoRoot: '/v',
        readFile: (f) => files[f],
        config: DEFAULT_CONFIG,
        rules: { 'exploding-rule': exploding, 'token-in-logs': RULES['token-in-logs'] },
      });
      expect(result.findings.map((f) => `${f.ruleId}@${f.location.file}`)).toEqual([
        'exploding-rule@a.js',
        'exploding-rule@c.js',
      ]);
      expect(result.notices).toEqual([
        expect.objectContaining({
          kind: 'rule-error',
          ruleId: 'exploding-rule',
          file: 'b.js',
          line: SILENT_LINE,
          message: expect.stringContaining('b.js:4'),
        }),
      ]);
    },
  );
});

describe('determinism', () => {
  it(
    'the same files created in a different order give byte-identical text and json, and ' +
      'SARIF but for its timing',
    async () => {
      const files: Record<string, string> = {};
      for (let i = 0; i < 30; i++)
        files[`src/${String.fromCharCode(97 + (i % 26))}${i}/auth.js`] = SILENT.join('\n');
      const entries = Object.entries(files);
      const a = tree('order-a', Object.fromEntries(entries));
      const b = tree('order-b', Object.fromEntries([...entries].reverse()));
      for (const format of ['text', 'json']) {
        const outA = (
          await run(['scan', '.', '--format', format, '--fail-on', 'none', '--no-color'], a)
        ).stdout;
        const outB = (
          await run(['scan', '.', '--format', format, '--fail-on', 'none', '--no-color'], b)
        ).stdout;
        expect(outA.length).toBeGreaterThan(100);
        expect(outB).toBe(outA);
      }
      const sarif = async (dir: string) => {
        const log = JSON.parse(
          (await run(['scan', '.', '--format', 'sarif', '--fail-on', 'none'], dir)).stdout,
        );
        for (const inv of log.runs[0].invocations) {
          delete inv.startTimeUtc;
          delete inv.endTimeUtc;
        }
        return JSON.stringify(log);
      };
      expect(await sarif(b)).toBe(await sarif(a));
    },
  );

  it('the job count does not change the report (enough files for worker threads)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 420; i++)
      files[`d${i % 7}/f${i}.js`] =
        i % 3 === 0 ? SILENT.join('\n') : `export const v${i} = ${i};\n`;
    const dir = tree('jobs', files);
    // Worker threads start the built scan-worker.js: the built executable, in a child process.
    const args = ['scan', '.', '--format', 'json', '--fail-on', 'none', '--jobs'];
    const one = spawnBin(dir, [...args, '1']).stdout;
    const two = spawnBin(dir, [...args, '2']).stdout;
    expect(JSON.parse(one).findings).toHaveLength(140);
    expect(two).toBe(one);
  });
});

describe('the tool itself', () => {
  it(
    'never writes outside --output and never executes config: a JavaScript config file is ' +
      'refused',
    async () => {
      const dir = tree('safety', {
        'a.js': SILENT.join('\n'),
        'jwt-audit.config.js': "require('fs').writeFileSync('pwned', 'x')",
      });
      const before = fs.readdirSync(dir).sort();
      const bad = await run(['scan', '.', '--config', 'jwt-audit.config.js'], dir);
      expect(bad.status).toBe(2);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      const ok = await run(
        ['scan', '.', '--format', 'json', '--output', 'out/report.json', '--fail-on', 'none'],
        dir,
      );
      expect(ok.status).toBe(0);
      expect(fs.readdirSync(dir).sort()).toEqual([...before, 'out'].sort());
      expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['report.json']);
    },
  );
});
