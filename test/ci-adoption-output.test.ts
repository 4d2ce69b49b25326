/**
 * Adopting jwt-audit in CI, continued: accountable suppressions and the GitHub annotations format.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  APP,
  app,
  read,
  cli,
  scanJson,
  where,
  expectUsageError,
  removeApps,
} from './ci-adoption-helpers.js';

afterAll(removeApps);

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
