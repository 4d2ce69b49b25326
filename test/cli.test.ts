/**
 * The command line in temporary projects: `run(argv, io)` in process for commands, formats, exit
 * codes and errors (test/cli-harness.ts), and the built executable in a child process for what
 * only a process shows (the last two groups).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliRun, REPO, runCli, spawnBin } from './cli-harness.js';

const VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;

const SILENT = `import jwt from 'jsonwebtoken';
export function auth(token) {
  try {
    return jwt.verify(token, process.env.SECRET);
  } catch (err) {
    return null;
  }
}
`;
/** Monitored but unclassified: only a note-level finding. */
const NOTE_ONLY = `import jwt from 'jsonwebtoken';
import logger from './logger.js';
export function auth(token) {
  try {
    return jwt.verify(token, process.env.SECRET);
  } catch (err) {
    logger.warn('bad token');
    return null;
  }
}
`;
const CLEAN = `import jwt from 'jsonwebtoken';
import logger from './logger.js';
export function auth(token) {
  try {
    return jwt.verify(token, process.env.SECRET);
  } catch (err) {
    logger.warn({ err }, 'JWT verification failed');
    return null;
  }
}
`;
const SUPPRESSED = `import jwt from 'jsonwebtoken';
export function auth(token) {
  try {
    // jwt-audit-disable-next-line silent-verify-failure -- callers log the null
    return jwt.verify(token, process.env.SECRET);
  } catch (err) {
    return null;
  }
}
`;

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-cli-')));
  dirs.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), content);
  }
  return dir;
}

/** `jwt-audit ...args` in process, with an environment holding only `env`. */
function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(cwd, args, { env });
}

/** A failed run: exit 2, exactly one line on stderr, no stack trace. */
function expectUsageError(r: CliRun, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^jwt-audit: [^\n]+\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(pattern);
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('exit codes', () => {
  it('0 when nothing is found', async () => {
    const dir = project({ 'src/auth.js': CLEAN });
    const r = await cli(dir, ['scan', 'src']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('1 when a finding is at or above --fail-on (default warning)', async () => {
    const dir = project({ 'src/auth.js': SILENT });
    const r = await cli(dir, ['scan']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('src/auth.js');
    expect(r.stdout).toContain('silent-verify-failure');
    expect(r.stdout).not.toContain('\u001b['); // not a TTY: no colour
  });

  it('--fail-on decides which severities fail the run', async () => {
    const dir = project({ 'src/auth.js': NOTE_ONLY });
    expect((await cli(dir, ['scan'])).status).toBe(0);
    expect((await cli(dir, ['scan', '--fail-on', 'note'])).status).toBe(1);
    expect((await cli(project({ 'a.js': SILENT }), ['scan', '--fail-on', 'none'])).status).toBe(0);
    expect((await cli(project({ 'a.js': SILENT }), ['scan', '--fail-on', 'error'])).status).toBe(1);
  });

  it(
    'a suppressed finding does not fail the run; --include-suppressed shows it with its ' +
      'justification',
    async () => {
      const dir = project({ 'src/auth.js': SUPPRESSED });
      const r = await cli(dir, ['scan', '-f', 'json']);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).findings).toEqual([]);
      const shown = await cli(dir, ['scan', '-f', 'json', '--include-suppressed']);
      expect(shown.status).toBe(0);
      const findings = JSON.parse(shown.stdout).findings as Array<{
        ruleId: string;
        suppression?: { justification: string };
      }>;
      expect(findings.map((f) => [f.ruleId, f.suppression?.justification])).toEqual([
        ['silent-verify-failure', 'callers log the null'],
      ]);
    },
  );
});

describe('formats and output', () => {
  it('json: a parsable report with findings and summary', async () => {
    const r = await cli(project({ 'src/auth.js': SILENT }), ['scan', '--format', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.version).toBe(VERSION);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      ruleId: 'silent-verify-failure',
      location: { file: 'src/auth.js', start: { line: 4 } },
    });
    expect(report.summary.filesScanned).toBe(1);
  });

  it('sarif: one run, results with uri relative to the repository root', async () => {
    const dir = project({ 'app/src/auth.js': SILENT });
    fs.mkdirSync(path.join(dir, '.git'));
    const r = await cli(path.join(dir, 'app'), ['scan', 'src', '-f', 'sarif']);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0].results[0].ruleId).toBe('silent-verify-failure');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      'app/src/auth.js',
    );
  });

  it(
    'github: workflow annotations, and the step ' + 'summary when GITHUB_STEP_SUMMARY is set',
    async () => {
      const dir = project({ 'src/auth.js': SILENT });
      const summary = path.join(dir, 'summary.md');
      const r = await cli(dir, ['scan', '-f', 'github'], { GITHUB_STEP_SUMMARY: summary });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error file=src\/auth\.js,line=4,/m);
      expect(fs.readFileSync(summary, 'utf8')).toContain('silent-verify-failure');
    },
  );

  it('--output writes the report to a file, atomically, and stdout stays empty', async () => {
    const dir = project({ 'src/auth.js': SILENT });
    const r = await cli(dir, ['scan', '-f', 'sarif', '-o', 'reports/jwt-audit.sarif']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^jwt-audit: 1 error written to reports\/jwt-audit\.sarif\n$/);
    expect(
      JSON.parse(fs.readFileSync(path.join(dir, 'reports/jwt-audit.sarif'), 'utf8')).version,
    ).toBe('2.1.0');
    expect(fs.readdirSync(path.join(dir, 'reports'))).toEqual(['jwt-audit.sarif']);
    expect((await cli(dir, ['scan', '-f', 'json', '-o', 'r.json', '--quiet'])).stderr).toBe('');
  });

  it('colour only on a terminal: --no-color and NO_COLOR keep text plain', async () => {
    const dir = project({ 'src/auth.js': SILENT });
    const tty = (args: string[], env: Record<string, string> = {}) =>
      runCli(dir, args, { env, stdoutIsTTY: true });
    // on a terminal the text report is coloured, which shows the two below switch it off
    expect((await tty(['scan'])).stdout).toContain('\u001b[');
    expect((await tty(['scan', '--no-color'])).stdout).not.toContain('\u001b[');
    expect((await tty(['scan'], { NO_COLOR: '1' })).stdout).not.toContain('\u001b[');
    expect((await cli(dir, ['scan', '--no-color'])).stdout).not.toContain('\u001b[');
    expect((await cli(dir, ['scan'], { NO_COLOR: '1' })).stdout).not.toContain('\u001b[');
  });

  it('--ignore and --rule / --disable narrow the scan', async () => {
    const dir = project({ 'src/auth.js': SILENT, 'src/legacy/old.js': SILENT });
    const findings = async (...args: string[]) =>
      JSON.parse((await cli(dir, ['scan', '-f', 'json', ...args])).stdout).findings;
    expect(await findings()).toHaveLength(2);
    expect(await findings('--ignore', 'legacy/')).toHaveLength(1);
    expect(await findings('--disable', 'silent-verify-failure')).toHaveLength(0);
    expect(await findings('--rule', 'token-in-logs')).toHaveLength(0);
  });

  it('skips test files by default and counts them', async () => {
    const dir = project({ 'src/auth.test.js': SILENT });
    const r = await cli(dir, ['scan', '-f', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.testFilesSkipped).toBe(1);
    expect((await cli(dir, ['scan', '--include-tests'])).status).toBe(1);
  });

  it('config: rules set to off, from .jwt-audit.json or package.json', async () => {
    const viaFile = project({
      'src/auth.js': SILENT,
      '.jwt-audit.json': '{"rules": {"silent-verify-failure": "off"}}',
    });
    expect((await cli(viaFile, ['scan'])).status).toBe(0);
    const viaPackage = project({
      'src/auth.js': SILENT,
      'package.json': '{"jwt-audit": {"rules": {"silent-verify-failure": "note"}}}',
    });
    expect((await cli(viaPackage, ['scan'])).status).toBe(0);
    expect((await cli(viaPackage, ['scan', '--fail-on', 'note'])).status).toBe(1);
  });
});

describe('baseline and --since', () => {
  it('--baseline reports only findings not in an earlier json or sarif report', async () => {
    const dir = project({ 'src/auth.js': SILENT });
    await cli(dir, ['scan', '-f', 'json', '-o', 'base.json']);
    await cli(dir, ['scan', '-f', 'sarif', '-o', 'base.sarif']);
    // An edit above the finding moves it; the fingerprint does not depend on the line.
    fs.writeFileSync(path.join(dir, 'src/auth.js'), `// a new comment\n${SILENT}`);
    for (const base of ['base.json', 'base.sarif']) {
      const r = await cli(dir, ['scan', '-f', 'json', '--baseline', base]);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).findings).toEqual([]);
    }
    fs.writeFileSync(path.join(dir, 'src/new.js'), SILENT.replace('auth', 'other'));
    const r = await cli(dir, ['scan', '-f', 'json', '--baseline', 'base.json']);
    expect(r.status).toBe(1);
    expect(
      JSON.parse(r.stdout).findings.map((f: { location: { file: string } }) => f.location.file),
    ).toEqual(['src/new.js']);
    expectUsageError(
      await cli(dir, ['scan', '--baseline', 'missing.json']),
      /cannot read baseline "missing\.json"/,
    );
  });

  it(
    '--since keeps findings on changed lines; ' + 'outside git or with an unknown ref it fails',
    async () => {
      const dir = project({ 'src/auth.js': SILENT });
      expectUsageError(
        await cli(dir, ['scan', '--since', 'HEAD']),
        /--since needs a git repository/,
      );
      const git = (...args: string[]) =>
        execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
          cwd: dir,
          stdio: 'pipe',
        });
      git('init', '-q');
      git('add', '.');
      git('commit', '-q', '-m', 'init');
      expect((await cli(dir, ['scan', '--since', 'HEAD'])).status).toBe(0);
      expectUsageError(
        await cli(dir, ['scan', '--since', 'no-such-branch']),
        /"no-such-branch" is not a known git ref/,
      );
      fs.writeFileSync(
        path.join(dir, 'src/auth.js'),
        SILENT.replace('process.env.SECRET', 'SECRET'),
      );
      const changed = await cli(dir, ['scan', '-f', 'json', '--since', 'HEAD']);
      expect(changed.status).toBe(1);
      expect(JSON.parse(changed.stdout).findings).toHaveLength(1);
      fs.writeFileSync(path.join(dir, 'src/untracked.js'), SILENT);
      expect(
        JSON.parse((await cli(dir, ['scan', '-f', 'json', '--since', 'HEAD'])).stdout).findings,
      ).toHaveLength(2);
    },
  );
});

describe('errors: exit 2, one line on stderr, no stack trace', () => {
  const dir = (): string => project({ 'src/auth.js': SILENT });

  it('a path that does not exist', async () => {
    expectUsageError(await cli(dir(), ['scan', 'src', 'nope']), /path "nope" does not exist/);
  });

  it('an unknown flag', async () => {
    expectUsageError(await cli(dir(), ['scan', '--frmat', 'json']), /unknown option '--frmat'/);
  });

  it('an unknown command, and no command', async () => {
    expectUsageError(await cli(dir(), ['scna']), /unknown command 'scna'/);
    expectUsageError(await cli(dir(), []), /no command given/);
  });

  it('a bad format', async () => {
    expectUsageError(
      await cli(dir(), ['scan', '-f', 'xml']),
      /unknown format "xml"\. Use one of: text, json, sarif, github/,
    );
  });

  it('a bad --fail-on value, a missing option argument, a bad --jobs', async () => {
    expectUsageError(
      await cli(dir(), ['scan', '--fail-on', 'critical']),
      /--fail-on.*critical.*error, warning, note, none/,
    );
    expectUsageError(await cli(dir(), ['scan', '--output']), /--output <file>' argument missing/);
    expectUsageError(await cli(dir(), ['scan', '--jobs', 'many']), /--jobs "many"/);
  });

  it('an unknown rule id in --rule or --disable', async () => {
    expectUsageError(
      await cli(dir(), ['scan', '--rule', 'no-such-rule']),
      /unknown rule "no-such-rule" in --rule/,
    );
    expectUsageError(
      await cli(dir(), ['scan', '--disable', 'silent-verify-failure,typo']),
      /unknown rule "typo" in --disable/,
    );
  });

  it('invalid JSON config, with line and column', async () => {
    const d = project({
      'src/auth.js': SILENT,
      '.jwt-audit.json': '{\n  "ignore": ["legacy/"],\n}\n',
    });
    expectUsageError(
      await cli(d, ['scan']),
      /invalid JSON in \.jwt-audit\.json at line 3, column 1/,
    );
  });

  it('a config with an unknown key or a wrong value, naming the key', async () => {
    expectUsageError(
      await cli(project({ 'a.js': SILENT, '.jwt-audit.json': '{"exclude": []}' }), ['scan']),
      /unknown key "exclude"/,
    );
    expectUsageError(
      await cli(
        project({
          'a.js': SILENT,
          '.jwt-audit.json': '{"rules": {"silent-verify-failure": "high"}}',
        }),
        ['scan'],
      ),
      /config: "rules\.silent-verify-failure" must be one of off, note, warning, error/,
    );
    expectUsageError(
      await cli(dir(), ['scan', '--config', 'missing.json']),
      /config file "missing\.json" does not exist/,
    );
  });

  it('an unwritable output file leaves nothing behind', async () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'blocker'), 'a file, not a directory');
    const before = fs.readdirSync(d).sort();
    expectUsageError(
      await cli(d, ['scan', '-f', 'json', '-o', 'blocker/report.json']),
      /cannot write output file "blocker\/report\.json"/,
    );
    expect(fs.readdirSync(d).sort()).toEqual(before);
  });

  it('--debug adds the stack trace', async () => {
    const r = await cli(dir(), ['scan', 'nope', '--debug']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^jwt-audit: path "nope" does not exist/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe('other commands', () => {
  it('--version prints the package version', async () => {
    const r = await cli(REPO, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('--help lists the commands', async () => {
    const r = await cli(REPO, ['--help']);
    expect(r.status).toBe(0);
    for (const command of ['scan', 'inventory', 'rules', 'explain'])
      expect(r.stdout).toContain(command);
    const scanHelp = await cli(REPO, ['scan', '--help']);
    expect(scanHelp.status).toBe(0);
    for (const option of [
      '--format',
      '--output',
      '--fail-on',
      '--baseline',
      '--since',
      '--include-suppressed',
      '--include-tests',
    ]) {
      expect(scanHelp.stdout).toContain(option);
    }
  });

  it('rules prints a table of every rule with its default severity', async () => {
    const r = await cli(REPO, ['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^RULE\s+DEFAULT\s+DESCRIPTION$/);
    expect(r.stdout).toMatch(/^silent-verify-failure\s+error\s+\S/m);
  });

  it('explain prints the help of a rule; an unknown id fails', async () => {
    const r = await cli(REPO, ['explain', 'silent-verify-failure']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^#/m);
    expect(r.stdout.length).toBeGreaterThan(200);
    expectUsageError(await cli(REPO, ['explain', 'nope']), /unknown rule "nope"/);
    expectUsageError(await cli(REPO, ['explain']), /missing required argument 'rule-id'/);
  });

  it('inventory prints the recognised verify sites as text or json', async () => {
    const dir = project({ 'src/auth.js': SILENT });
    const text = await cli(dir, ['inventory']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('JWT verification sites');
    const json = await cli(dir, ['inventory', '-f', 'json']);
    expect(json.status).toBe(0);
    const inventory = JSON.parse(json.stdout);
    expect(Object.keys(inventory).sort()).toEqual([
      'denylistChecks',
      'monitors',
      'routes',
      'verifySites',
    ]);
    expect(inventory.verifySites[0].location.file).toBe('src/auth.js');
  });

  it(
    'inventory lists loggers but not HTTP ' + 'access-log middleware (hono/logger, morgan)',
    async () => {
      const dir = project({
        'src/app.ts': `import { Hono } from 'hono';
import { logger } from 'hono/logger';
import morgan from 'morgan';
import pino from 'pino';
const log = pino();
const app = new Hono();
app.use(logger());
export const access = morgan('combined');
export function audit(event: string) { log.info({ event }, 'audit'); }
`,
      });
      const json = await cli(dir, ['inventory', '-f', 'json']);
      expect(json.status).toBe(0);
      const labels = (JSON.parse(json.stdout).monitors as Array<{ name: string }>).map(
        (m) => m.name,
      );
      expect(labels).toEqual(['log']);
    },
  );
});

describe('the executable, in a child process', () => {
  it(
    'sets the exit code and writes the report to stdout, without colour when stdout is not a ' +
      'terminal',
    () => {
      const dir = project({ 'src/auth.js': SILENT });
      const r = spawnBin(dir, ['scan']);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('src/auth.js');
      expect(r.stdout).toContain('silent-verify-failure');
      expect(r.stdout).not.toContain('\u001b['); // not a TTY: no colour
      expect(r.stderr).toBe('');
      expect(spawnBin(project({ 'src/auth.js': CLEAN }), ['scan', 'src']).status).toBe(0);
    },
  );

  it('a usage error is exit 2 with one line on stderr', () => {
    expectUsageError(
      spawnBin(project({ 'src/auth.js': SILENT }), ['scan', 'src', 'nope']),
      /path "nope" does not exist/,
    );
  });

  it('--version prints the package version', () => {
    const r = spawnBin(REPO, ['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${VERSION}\n`);
  });

  it('--jobs 2 scans in worker threads and finds the same', async () => {
    const dir = project({ 'src/auth.js': SILENT, 'src/legacy/old.js': SILENT });
    const r = spawnBin(dir, ['scan', '-f', 'json', '--jobs', '2']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual(
      JSON.parse((await cli(dir, ['scan', '-f', 'json'])).stdout).findings,
    );
  });

  it('--version, --help, rules and explain do not load ts-morph', () => {
    const dir = project({});
    const log = path.join(dir, 'resolved.log');
    fs.writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, ` +
        `context, next) {\n  const r = await next(specifier, context);\n  ` +
        `appendFileSync(${JSON.stringify(log)}, r.url + '\\n');\n  return r;\n}\n`,
    );
    fs.writeFileSync(
      path.join(dir, 'register.mjs'),
      `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`,
    );
    const loader = ['--import', path.join(dir, 'register.mjs')];
    for (const args of [['--version'], ['--help'], ['rules'], ['explain', 'token-in-logs']]) {
      fs.writeFileSync(log, '');
      expect(spawnBin(REPO, args, {}, loader).status).toBe(0);
      const resolved = fs.readFileSync(log, 'utf8');
      expect(resolved).toContain('commander'); // the hook saw the CLI's imports
      expect(resolved, args.join(' ')).not.toMatch(/ts-morph|typescript/);
    }
    // and scan does load it, which shows the probe works
    fs.writeFileSync(log, '');
    spawnBin(project({ 'a.js': SILENT }), ['scan'], {}, loader);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/ts-morph|typescript/);
  });
});
