/**
 * Adopting jwt-audit in CI, end to end through the CLI (`run(argv, io)` in process, see
 * test/cli-harness.ts): baselines that survive edits, diff-aware scans in a real git repository,
 * accountable suppressions, and GitHub annotations. Each scenario copies the small Express app in
 * test/data/ci-app into a temporary directory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliRun, REPO, runCli } from './cli-harness.js';

const APP = path.join(REPO, 'test/data/ci-app');

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  location: { file: string; start: { line: number } };
  suppression?: { kind: string; justification: string };
}
const dirs: string[] = [];
/** A fresh copy of the fixture app (plus extra files), in a temporary directory. */
function app(extra: Record<string, string> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-ci-')));
  dirs.push(dir);
  fs.cpSync(APP, dir, { recursive: true });
  for (const [rel, content] of Object.entries(extra)) write(dir, rel, content);
  return dir;
}
function write(dir: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), content);
}
function read(dir: string, rel: string): string {
  return fs.readFileSync(path.join(dir, rel), 'utf8');
}
/** Replaces exactly one occurrence of `from` in a file. */
function edit(dir: string, rel: string, from: string, to: string): void {
  const text = read(dir, rel);
  expect(text.split(from)).toHaveLength(2);
  write(dir, rel, text.replace(from, to));
}

/** `jwt-audit ...args` in process, with an environment holding only `env`. */
function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return runCli(cwd, args, { env });
}
async function scanJson(
  cwd: string,
  args: string[] = [],
): Promise<{ status: number | null; findings: Finding[]; summary: Record<string, unknown> }> {
  const r = await cli(cwd, ['scan', 'src', '-f', 'json', ...args]);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as { findings: Finding[]; summary: Record<string, unknown> };
  return { status: r.status, findings: report.findings, summary: report.summary };
}
/** `file:line rule` per finding: what a reviewer reads. */
function where(findings: Finding[]): string[] {
  return findings.map((f) => `${f.location.file}:${f.location.start.line} ${f.ruleId}`);
}
function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.email=ci@example.com',
      '-c',
      'user.name=CI',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
    },
  );
}
function expectUsageError(r: CliRun, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^jwt-audit: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

/** The fixture app's findings, as scanned from its root. */
const KNOWN = [
  'src/middleware/auth.js:8 silent-verify-failure',
  'src/middleware/auth.js:19 fail-open-verify',
  'src/services/tokens.ts:6 silent-verify-failure',
];

/** A new route handler whose verification failure is swallowed. */
const NEW_SILENT_ROUTE = `
router.post('/impersonate', (req, res) => {
  let claims;
  try {
    claims = jwt.verify(req.body.token, process.env.ADMIN_SECRET);
  } catch (err) {
    return res.status(403).end();
  }
  return res.json({ sub: claims.sub });
});
`;

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('scenario: adopting jwt-audit on an existing codebase', () => {
  it(
    'after 20 lines are inserted at the top of a file and one silent catch is added ' +
      'elsewhere, the baseline scan reports exactly the new finding',
    async () => {
      const dir = app();
      const first = await scanJson(dir);
      expect(first.status).toBe(1);
      expect(where(first.findings)).toEqual(KNOWN);
      expect(
        (await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'jwt-audit-baseline.json'])).status,
      ).toBe(1);
      expect(
        (await cli(dir, ['scan', 'src', '-f', 'sarif', '-o', 'jwt-audit-baseline.sarif'])).status,
      ).toBe(1);
      expect(await scanJson(dir, ['--baseline', 'jwt-audit-baseline.json'])).toMatchObject({
        status: 0,
        findings: [],
      });

      const header = Array.from(
        { length: 20 },
        (_, i) => `// Copyright notice, line ${i + 1} of 20.`,
      ).join('\n');
      write(dir, 'src/middleware/auth.js', `${header}\n${read(dir, 'src/middleware/auth.js')}`);
      edit(
        dir,
        'src/routes/admin.js',
        `const express = require('express');\n`,
        `const express = require('express');\nconst jwt = require('jsonwebtoken');\n`,
      );
      edit(
        dir,
        'src/routes/admin.js',
        '\nmodule.exports = router;',
        `${NEW_SILENT_ROUTE}\nmodule.exports = router;`,
      );

      // Without the baseline, everything moved: the old findings are 20 lines further down.
      expect(where((await scanJson(dir)).findings)).toEqual([
        'src/middleware/auth.js:28 silent-verify-failure',
        'src/middleware/auth.js:39 fail-open-verify',
        'src/routes/admin.js:13 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
      for (const baseline of ['jwt-audit-baseline.json', 'jwt-audit-baseline.sarif']) {
        const r = await scanJson(dir, ['--baseline', baseline]);
        expect(r.status).toBe(1);
        expect(where(r.findings)).toEqual(['src/routes/admin.js:13 silent-verify-failure']);
        expect(r.summary).toMatchObject({
          findings: 1,
          bySeverity: { error: 1, warning: 0, note: 0 },
        });
      }
      const text = await cli(dir, ['scan', 'src', '--baseline', 'jwt-audit-baseline.json']);
      expect(text.status).toBe(1);
      expect(text.stdout).toContain('src/routes/admin.js');
      expect(text.stdout).not.toContain('src/middleware/auth.js');
      expect(text.stdout).toMatch(/1 problem \(1 error, 0 warnings, 0 notes\)/);
    },
  );
});

describe('--baseline: what keeps a finding known, and what makes it new', () => {
  async function baselined(): Promise<string> {
    const dir = app();
    expect((await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'base.json'])).status).toBe(1);
    return dir;
  }

  it('deleting lines above a finding keeps it known', async () => {
    const dir = await baselined();
    edit(
      dir,
      'src/middleware/auth.js',
      "const jwt = require('jsonwebtoken');\n\n",
      "const jwt = require('jsonwebtoken');\n",
    );
    edit(dir, 'src/middleware/auth.js', 'process.env.JWT_SECRET;\n\n', 'process.env.JWT_SECRET;\n');
    expect(where((await scanJson(dir)).findings)[0]).toBe(
      'src/middleware/auth.js:6 silent-verify-failure',
    );
    expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
      status: 0,
      findings: [],
    });
  });

  it(
    'reformatting the file (indentation, wrapping, the finding’s own call split over lines) ' +
      'keeps its findings known',
    async () => {
      const dir = await baselined();
      const reformatted = read(dir, 'src/middleware/auth.js')
        .split('\n')
        .map((line) => line.replace(/^( +)/, (indent) => ' '.repeat(indent.length * 2)))
        .join('\n')
        .replace(
          "jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n        return next();",
          'jwt.verify(\n            token,\n            SECRET,\n            { algorithms: ' +
            "['HS256'] }\n        );\n        return next();",
        )
        .replace(
          "res.status(401).json({ error: 'unauthorized' })",
          "res\n            .status(401)\n            .json({ error: 'unauthorized' })",
        );
      expect(reformatted).toContain('jwt.verify(\n');
      write(dir, 'src/middleware/auth.js', reformatted);
      // Unrelated code elsewhere, reformatted too.
      write(
        dir,
        'src/routes/refresh.js',
        read(dir, 'src/routes/refresh.js').replace(/\n\n/g, '\n').replace(/'/g, '"'),
      );
      expect((await scanJson(dir)).findings).toHaveLength(3);
      expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
        status: 0,
        findings: [],
      });
    },
  );

  it(
    "changing the finding's own code, or " + 'moving it to another function, makes it new',
    async () => {
      const dir = await baselined();
      edit(
        dir,
        'src/middleware/auth.js',
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n    return next();",
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS512'] });\n    return next();",
      );
      edit(
        dir,
        'src/services/tokens.ts',
        'export function decodeInvite(',
        'export function readInvite(',
      );
      const r = await scanJson(dir, ['--baseline', 'base.json']);
      expect(r.status).toBe(1);
      expect(where(r.findings)).toEqual([
        'src/middleware/auth.js:8 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
    },
  );

  it(
    'counts: a second copy of identical code in the same function is new although the first ' +
      'is baselined',
    async () => {
      const dir = await baselined();
      const copy = `  try {
    jwt.verify(token, process.env.INVITE_SECRET as string);
  } catch {
    return null;
  }
  try {
    return jwt.verify(token, process.env.INVITE_SECRET as string) as { email: string };`;
      edit(
        dir,
        'src/services/tokens.ts',
        `  try {\n    return jwt.verify(token, process.env.INVITE_SECRET as string) as { ` +
          `email: string };`,
        copy,
      );
      // Both copies are found, and the two `jwt.verify(token, …INVITE_SECRET as string)` calls
      // differ only in what surrounds them: same rule, file, function and code, so the same
      // fingerprint.
      const all = (await scanJson(dir)).findings.filter(
        (f) => f.location.file === 'src/services/tokens.ts',
      );
      expect(where(all)).toEqual([
        'src/services/tokens.ts:6 silent-verify-failure',
        'src/services/tokens.ts:11 silent-verify-failure',
      ]);
      const r = await scanJson(dir, ['--baseline', 'base.json']);
      expect(r.status).toBe(1);
      expect(r.findings).toHaveLength(1);
      expect(r.findings[0].location.file).toBe('src/services/tokens.ts');
      // A baseline written now holds both, and excuses both.
      expect((await cli(dir, ['scan', 'src', '-f', 'sarif', '-o', 'now.sarif'])).status).toBe(1);
      expect(await scanJson(dir, ['--baseline', 'now.sarif'])).toMatchObject({
        status: 0,
        findings: [],
      });
    },
  );

  it(
    'a fixed finding simply disappears; an unreadable or foreign baseline is exit 2 with one ' +
      'line',
    async () => {
      const dir = await baselined();
      edit(
        dir,
        'src/services/tokens.ts',
        '  } catch {\n    return null;',
        "  } catch (err) {\n    logger.warn({ err }, 'invite token rejected');\n    return null;",
      );
      expect(await scanJson(dir, ['--baseline', 'base.json'])).toMatchObject({
        status: 0,
        findings: [],
      });
      write(dir, 'other.json', '{"results": []}');
      expectUsageError(
        await cli(dir, ['scan', 'src', '--baseline', 'other.json']),
        /baseline other\.json is neither a jwt-audit json report nor a SARIF file/,
      );
      write(dir, 'broken.json', '{');
      expectUsageError(
        await cli(dir, ['scan', 'src', '--baseline', 'broken.json']),
        /not valid JSON/,
      );
    },
  );
});

describe('--since <ref>: findings on lines changed since a git ref', () => {
  function repo(): string {
    const dir = app();
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'the app');
    return dir;
  }

  it(
    'reports nothing for an unchanged tree, then only findings whose primary line was added ' +
      'or changed',
    async () => {
      const dir = repo();
      expect(await scanJson(dir, ['--since', 'HEAD'])).toMatchObject({ status: 0, findings: [] });
      expect(await scanJson(dir, ['--since', 'main'])).toMatchObject({ status: 0, findings: [] });

      // 20 new lines at the top move every finding in the file, but change none of their lines.
      const header = Array.from({ length: 20 }, (_, i) => `// line ${i + 1}`).join('\n');
      write(dir, 'src/middleware/auth.js', `${header}\n${read(dir, 'src/middleware/auth.js')}`);
      expect(await scanJson(dir, ['--since', 'HEAD'])).toMatchObject({ status: 0, findings: [] });

      // Changing the finding's own line brings it in; the other finding in the file stays out.
      edit(
        dir,
        'src/middleware/auth.js',
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n    return next();",
        "req.user = jwt.verify(token, SECRET, { algorithms: ['HS512'] });\n    return next();",
      );
      expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
        'src/middleware/auth.js:28 silent-verify-failure',
      ]);
    },
  );

  it(
    'compares the working tree with the ref: committed, staged, unstaged and untracked ' +
      'changes all count',
    async () => {
      const dir = repo();
      edit(
        dir,
        'src/routes/admin.js',
        `const express = require('express');\n`,
        `const express = require('express');\nconst jwt = require('jsonwebtoken');\n`,
      );
      edit(
        dir,
        'src/routes/admin.js',
        '\nmodule.exports = router;',
        `${NEW_SILENT_ROUTE}\nmodule.exports = router;`,
      );
      git(dir, 'commit', '-q', '-am', 'impersonation');
      expect(where((await scanJson(dir, ['--since', 'HEAD~1'])).findings)).toEqual([
        'src/routes/admin.js:13 silent-verify-failure',
      ]);
      expect((await scanJson(dir, ['--since', 'HEAD'])).findings).toEqual([]);

      edit(
        dir,
        'src/services/tokens.ts',
        'process.env.INVITE_SECRET as string',
        'process.env.INVITES_SECRET as string',
      );
      git(dir, 'add', 'src/services/tokens.ts');
      write(
        dir,
        'src/routes/untracked.js',
        `const jwt = require('jsonwebtoken');\nmodule.exports = (t) => {\n  try {\n    ` +
          `return jwt.verify(t, 'k');\n  } catch (e) {\n    return null;\n  }\n};\n`,
      );
      const r = await scanJson(dir, ['--since', 'HEAD~1']);
      expect(r.status).toBe(1);
      expect(where(r.findings)).toEqual([
        'src/routes/admin.js:13 silent-verify-failure',
        'src/routes/untracked.js:4 silent-verify-failure',
        'src/services/tokens.ts:6 silent-verify-failure',
      ]);
      expect(r.summary).toMatchObject({ findings: 3 });
    },
  );

  it('works from a subdirectory of the repository and combines with --baseline', async () => {
    const dir = repo();
    expect((await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'base.json'])).status).toBe(1);
    edit(
      dir,
      'src/services/tokens.ts',
      'process.env.INVITE_SECRET as string',
      'process.env.INVITES_SECRET as string',
    );
    const fromSub = await cli(path.join(dir, 'src'), [
      'scan',
      '.',
      '-f',
      'json',
      '--since',
      'HEAD',
    ]);
    expect(fromSub.status).toBe(1);
    expect(where(JSON.parse(fromSub.stdout).findings)).toEqual([
      'services/tokens.ts:6 silent-verify-failure',
    ]);
    // Changed and not in the baseline: the edit changed the finding's code, so it is new to both.
    expect(
      where((await scanJson(dir, ['--since', 'HEAD', '--baseline', 'base.json'])).findings),
    ).toEqual(['src/services/tokens.ts:6 silent-verify-failure']);
  });

  it('is not fooled by git configuration that changes diff output', async () => {
    const dir = repo();
    git(dir, 'config', 'diff.mnemonicPrefix', 'true'); // "+++ w/src/…" for the working tree
    git(dir, 'config', 'color.diff', 'always');
    git(dir, 'config', 'diff.context', '10');
    edit(
      dir,
      'src/services/tokens.ts',
      'process.env.INVITE_SECRET as string',
      'process.env.INVITES_SECRET as string',
    );
    expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
      'src/services/tokens.ts:6 silent-verify-failure',
    ]);
    git(dir, 'config', 'diff.noprefix', 'true'); // "+++ src/…"
    expect(where((await scanJson(dir, ['--since', 'HEAD'])).findings)).toEqual([
      'src/services/tokens.ts:6 silent-verify-failure',
    ]);
  });

  it('outside a git repository, or with an unknown ref, is exit 2 with one line', async () => {
    const plain = app();
    expectUsageError(
      await cli(plain, ['scan', 'src', '--since', 'HEAD']),
      /--since needs a git repository/,
    );
    const dir = repo();
    expectUsageError(
      await cli(dir, ['scan', 'src', '--since', 'origin/main']),
      /--since "origin\/main" is not a known git ref/,
    );
    expectUsageError(
      await cli(dir, ['scan', 'src', '--since', 'HEAD~5']),
      /"HEAD~5" is not a known git ref/,
    );
    expectUsageError(await cli(dir, ['scan', 'src', '--since=--output=x']), /is not a git ref/);
    expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
  });
});

describe('accountable suppressions', () => {
  const SUPPRESSED_TWICE = {
    'src/middleware/auth.js': fs
      .readFileSync(path.join(APP, 'src/middleware/auth.js'), 'utf8')
      .replace(
        "  try {\n    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n   " +
          ' return next();',
        '  try {\n    // jwt-audit-disable-next-line silent-verify-failure -- the API ' +
          'gateway logs every 401 (OPS-42)\n    req.user = jwt.verify(token, SECRET, { ' +
          "algorithms: ['HS256'] });\n    return next();",
      )
      .replace(
        "    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] });\n  } catch",
        "    req.user = jwt.verify(token, SECRET, { algorithms: ['HS256'] }); // " +
          'jwt-audit-disable-line fail-open-verify -- anonymous access is allowed here\n  } ' +
          'catch',
      ),
  };

  it(
    'a suppressed finding is hidden, counted in ' + 'the text summary, and does not fail the run',
    async () => {
      const dir = app(SUPPRESSED_TWICE);
      expect(read(dir, 'src/middleware/auth.js').match(/jwt-audit-disable/g)).toHaveLength(2);
      const text = await cli(dir, ['scan', 'src']);
      expect(text.stdout).not.toContain('src/middleware/auth.js');
      expect(text.stdout).toMatch(/1 problem \(1 error, 0 warnings, 0 notes\).*2 suppressed/);
      const json = await scanJson(dir);
      expect(where(json.findings)).toEqual(['src/services/tokens.ts:6 silent-verify-failure']);
      expect(json.summary).toMatchObject({ findings: 1, suppressed: 2 });
      // Only the finding in tokens.ts counts: suppress it too and the run passes.
      expect((await cli(dir, ['scan', 'src', '--ignore', 'services/'])).status).toBe(0);
    },
  );

  it(
    '--include-suppressed shows them with their reason: dimmed in text, marked in json, ' +
      '`suppressions` in SARIF',
    async () => {
      const dir = app(SUPPRESSED_TWICE);
      const text = await cli(dir, ['scan', 'src', '--include-suppressed']);
      expect(text.stdout).toContain('(suppressed: the API gateway logs every 401 (OPS-42))');
      expect(text.stdout).toContain('(suppressed: anonymous access is allowed here)');
      expect(text.stdout).toMatch(/1 problem \(1 error/);
      const json = await scanJson(dir, ['--include-suppressed']);
      expect(
        json.findings.map((f) => [f.location.start.line, f.ruleId, f.suppression?.justification]),
      ).toEqual([
        [9, 'silent-verify-failure', 'the API gateway logs every 401 (OPS-42)'],
        [20, 'fail-open-verify', 'anonymous access is allowed here'],
        [6, 'silent-verify-failure', undefined],
      ]);
      const plainSarif = JSON.parse((await cli(dir, ['scan', 'src', '-f', 'sarif'])).stdout);
      expect(plainSarif.runs[0].results).toHaveLength(1);
      const sarif = JSON.parse(
        (await cli(dir, ['scan', 'src', '-f', 'sarif', '--include-suppressed'])).stdout,
      );
      const results = sarif.runs[0].results as Array<{ ruleId: string; suppressions?: unknown }>;
      expect(results.map((r) => [r.ruleId, r.suppressions])).toEqual([
        [
          'silent-verify-failure',
          [{ kind: 'inSource', justification: 'the API gateway logs every 401 (OPS-42)' }],
        ],
        [
          'fail-open-verify',
          [{ kind: 'inSource', justification: 'anonymous access is allowed here' }],
        ],
        ['silent-verify-failure', undefined],
      ]);
    },
  );

  it(
    'reports a directive without a reason, one naming an unknown rule, and one suppressing ' +
      'nothing as invalid-suppression warnings',
    async () => {
      const dir = app({
        'src/services/tokens.ts': read(APP, 'src/services/tokens.ts')
          .replace(
            '    return jwt.verify(token, process.env.INVITE_SECRET',
            '    // jwt-audit-disable-next-line silent-verify-failure\n    return ' +
              'jwt.verify(token, process.env.INVITE_SECRET',
          )
          .replace(
            '    jwt.verify(token, process.env.API_SECRET',
            '    // jwt-audit-disable-next-line silent-verify-failur -- typo\n    ' +
              'jwt.verify(token, process.env.API_SECRET',
          )
          .replace(
            '    return true;',
            '    return true; // jwt-audit-disable-line token-in-logs -- nothing is logged here',
          ),
      });
      const only = [
        '--ignore',
        'middleware/',
        '--rule',
        'silent-verify-failure,invalid-suppression,token-in-logs',
      ];
      const r = await scanJson(dir, only);
      expect(r.status).toBe(1);
      const problems = r.findings.filter((f) => f.ruleId === 'invalid-suppression');
      expect(problems.map((f) => [f.location.start.line, f.severity, f.message])).toEqual([
        [6, 'warning', 'Suppression at line 6 gives no reason; add one after "--".'],
        [15, 'warning', "Suppression at line 15 names unknown rule 'silent-verify-failur'."],
        [17, 'warning', "Suppression of 'token-in-logs' at line 17 suppresses nothing on line 17."],
      ]);
      // The directive without a reason still suppresses: the warning asks for the reason.
      expect(where(r.findings.filter((f) => f.ruleId !== 'invalid-suppression'))).toEqual([]);
      expect(r.summary).toMatchObject({
        suppressed: 1,
        bySeverity: { error: 0, warning: 3, note: 0 },
      });
      // Warnings fail at the default --fail-on warning, not at --fail-on error.
      expect((await cli(dir, ['scan', 'src', '--fail-on', 'error', ...only])).status).toBe(0);
      // The text report lists them like any other finding, with the rule id to look up.
      const text = await cli(dir, ['scan', 'src', ...only]);
      expect(text.stdout).toMatch(
        new RegExp(
          /6:\d+\s+warning\s+Suppression at line 6 gives no reason; /.source +
            /add one after "--"\.\s+invalid-suppression/.source,
        ),
      );
    },
  );
});

describe('--format github', () => {
  it(
    'escapes properties and messages, prints the most severe first, ends with a summary line ' +
      'and appends the step summary',
    async () => {
      const dir = app({
        // A file name with characters that end a property (`,` `:`) or start an escape (`%`).
        'src/odd,name:100%.js':
          '// jwt-audit-disable-next-line 50%off -- sale\nconst x = 1;\nmodule.exports = x;\n',
      });
      const summaryFile = path.join(dir, 'step-summary.md');
      fs.writeFileSync(summaryFile, '# Earlier step\n\n');
      const r = await cli(dir, ['scan', 'src', '-f', 'github'], {
        GITHUB_STEP_SUMMARY: summaryFile,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('');
      const lines = r.stdout.trimEnd().split('\n');
      // Every line is either a workflow command or the plain summary: nothing else can inject one.
      expect(lines.slice(0, -1).every((l) => /^::(error|warning|notice) /.test(l))).toBe(true);
      expect(lines.map((l) => l.split(' ')[0])).toEqual([
        '::error',
        '::error',
        '::error',
        '::warning',
        'jwt-audit:',
      ]);
      expect(lines[0]).toMatch(
        new RegExp(
          /^::error file=src\/middleware\/auth\.js,line=8,col=16,endLine=8,endColumn=68,/.source +
            /title=jwt-audit silent-verify-failure::/.source +
            /Failure of JWT verification 'jwt\.verify' is handled without a log, metric /.source +
            /or rethrow\.$/.source,
        ),
      );
      expect(lines[3]).toBe(
        '::warning ' +
          'file=src/odd%2Cname%3A100%25.js,line=1,col=1,endLine=1,endColumn=46,title=jwt-audit ' +
          "invalid-suppression::Suppression at line 1 names unknown rule '50%25off'.",
      );
      expect(lines[4]).toBe(
        'jwt-audit: 3 errors, 1 warning, 0 notes in 3 files (7 scanned, 0 skipped, 0 test ' +
          'files skipped, 0 suppressed).',
      );

      const summary = fs.readFileSync(summaryFile, 'utf8');
      expect(summary.startsWith('# Earlier step\n\n## jwt-audit\n')).toBe(true);
      expect(summary).toContain('**4 findings**: 3 errors, 1 warning, 0 notes.');
      expect(summary).toMatch(/\| \[`silent-verify-failure`\]\([^)]+\) \| Error \| 2 \|/);
      expect(summary).toContain(
        '| Error | `src/middleware/auth.js:8:16` | `silent-verify-failure` |',
      );
      // A second step appends again rather than overwriting.
      await cli(dir, ['scan', 'src', '-f', 'github', '--fail-on', 'none'], {
        GITHUB_STEP_SUMMARY: summaryFile,
      });
      expect(fs.readFileSync(summaryFile, 'utf8').match(/## jwt-audit/g)).toHaveLength(2);
    },
  );

  it(
    'with --baseline annotates only the new findings, and an unwritable step summary is exit ' +
      '2',
    async () => {
      const dir = app();
      await cli(dir, ['scan', 'src', '-f', 'json', '-o', 'base.json']);
      const clean = await cli(dir, ['scan', 'src', '-f', 'github', '--baseline', 'base.json']);
      expect(clean.status).toBe(0);
      expect(clean.stdout).toBe(
        'jwt-audit: 0 errors, 0 warnings, 0 notes in 0 files (6 scanned, 0 skipped, 0 test ' +
          'files skipped, 0 suppressed, 3 known (in the baseline) not shown).\n',
      );
      expectUsageError(
        await cli(dir, ['scan', 'src', '-f', 'github'], {
          GITHUB_STEP_SUMMARY: path.join(dir, 'no/such/dir/summary.md'),
        }),
        /cannot append to GITHUB_STEP_SUMMARY/,
      );
    },
  );
});
