import { describe, expect, it } from 'vitest';
import { redactJwts } from '../src/redact.js';
import { escapeData, escapeProperty, renderStepSummary } from '../src/reporters/github.js';
import { REPORTERS, type ReporterOptions } from '../src/reporters/index.js';
import { docsUrl, renderHelpMarkdown, renderHelpText, toRuleInfo } from '../src/rule-help.js';
import type { ScanResult } from '../src/types.js';
import { RULES, SAMPLE_JWT, finding, loc, sampleResult } from './reporter-fixture.js';

const PLAIN: ReporterOptions = { color: false, cwd: '/repo' };
const COLOR: ReporterOptions = { color: true, cwd: '/repo' };
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;
// eslint-disable-next-line no-control-regex
const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('REPORTERS', () => {
  it('is an explicit map of the five formats', () => {
    expect(Object.keys(REPORTERS)).toEqual(['text', 'json', 'sarif', 'github', 'html']);
  });

  it.each(['text', 'json', 'sarif', 'github', 'html'])(
    '%s is deterministic and never leaks a JWT',
    (format) => {
      const a = REPORTERS[format](sampleResult(), PLAIN);
      const b = REPORTERS[format](sampleResult(), PLAIN);
      expect(a).toBe(b);
      expect(a).not.toContain(SAMPLE_JWT);
      expect(a).not.toContain(SAMPLE_JWT.split('.')[2]);
      expect(a.endsWith('\n')).toBe(true);
    },
  );
});

describe('text reporter', () => {
  it('groups by file with aligned columns, related locations, notices and a summary', () => {
    expect(REPORTERS.text(sampleResult(), PLAIN)).toBe(
      [
        'src/auth/jwt.ts',
        "    8:17  error  Failure of 'jwt.verify' is rejected without a log, metric or " +
          'rethrow.  silent-verify-failure',
        '                 ↳ catch clause at 10:5',
        "  112:3   note   Failure of 'jwtVerify' is logged without its reason.             " +
          '      unclassified-verify-failure',
        '',
        'src/routes/login.ts',
        "  31:1  warning  Route 'POST /login' has no rate limiter.                         " +
          ' missing-rate-limit',
        '                 ↳ router mounted here at src/app.ts:20:1',
        "  40:5  error    Call 'console.log' writes the token 'eyJ…[redacted]' to the log. " +
          ' token-in-logs  (suppressed: test token, expired)',
        '',
        "warning  src/broken.ts:3:7      ')' expected.  (parse-error)",
        'warning  src/vendor/big.min.js  File skipped: larger than 1 MB.  (skipped)',
        'note                            No config file found; using defaults.  (config)',
        '',
        '✖ 3 problems (1 error, 1 warning, 1 note) · 12 files scanned, 1 skipped, 3 test ' +
          'files skipped, 1 suppressed',
        'Ran 5 rules on 12 files: silent-verify-failure, unmonitored-refresh, ' +
          'missing-rate-limit, token-in-logs, unclassified-verify-failure',
        '',
      ].join('\n'),
    );
  });

  it(
    '--quiet keeps findings and error notices, and drops warnings about skipped files and ' +
      'the summary',
    () => {
      const quiet = REPORTERS.text(sampleResult(), { ...PLAIN, quiet: true });
      expect(quiet).toContain('silent-verify-failure');
      expect(quiet).not.toContain('(skipped)');
      expect(quiet).not.toContain('files scanned');
      const clean = REPORTERS.text(
        { ...sampleResult(), findings: [], notices: [] },
        { ...PLAIN, quiet: true },
      );
      expect(clean).toBe('');
    },
  );

  it('is colourless unless asked, and colour changes nothing but escape codes', () => {
    const plain = REPORTERS.text(sampleResult(), PLAIN);
    const coloured = REPORTERS.text(sampleResult(), COLOR);
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toMatch(ANSI);
    expect(stripAnsi(coloured)).toBe(plain);
  });

  it(
    'reports a clean run, the hint for hidden ' + 'suppressions and the upstream rate-limit reason',
    () => {
      const result: ScanResult = {
        ...sampleResult(),
        findings: [],
        notices: [],
        summary: {
          filesScanned: 1,
          filesSkipped: 0,
          testFilesSkipped: 1,
          findings: 0,
          bySeverity: { error: 0, warning: 0, note: 0 },
          byRule: {},
          suppressed: 2,
          rateLimitedUpstream: 'Cloudflare WAF limits /auth/*',
        },
      };
      expect(REPORTERS.text(result, PLAIN)).toBe(
        '✔ No problems found · 1 file scanned, 0 skipped, 1 test file skipped, 2 suppressed ' +
          '(--include-suppressed shows them)\n' +
          'Ran 5 rules on 1 file: silent-verify-failure, unmonitored-refresh, ' +
          'missing-rate-limit, token-in-logs, unclassified-verify-failure\n' +
          'Rate limiting is done upstream, so missing-rate-limit is off: Cloudflare WAF ' +
          'limits /auth/*\n',
      );
    },
  );

  it('neutralises control characters coming from scanned code', () => {
    const result = sampleResult();
    result.findings = [
      finding(
        'silent-verify-failure',
        'error',
        "Route '\u001b[2J/login\nx' is bad.",
        loc('src/a.ts', 1, 1, 1, 2),
      ),
    ];
    const out = REPORTERS.text(result, PLAIN);
    expect(out).not.toContain('\u001b');
    expect(out).toContain("Route ' [2J/login x' is bad.");
  });
});

describe('json reporter', () => {
  it('has the documented shape and key order', () => {
    const report = JSON.parse(REPORTERS.json(sampleResult(), PLAIN));
    expect(Object.keys(report)).toEqual(['version', 'findings', 'summary', 'errors']);
    expect(report.version).toBe('0.1.0');
    expect(report.findings).toHaveLength(4);
    expect(Object.keys(report.findings[0])).toEqual([
      'ruleId',
      'severity',
      'message',
      'location',
      'related',
      'fingerprints',
    ]);
    expect(Object.keys(report.findings[3])).toEqual([
      'ruleId',
      'severity',
      'message',
      'location',
      'related',
      'fingerprints',
      'suppression',
    ]);
    expect(report.findings[0].location).toEqual({
      file: 'src/auth/jwt.ts',
      uri: 'src/auth/jwt.ts',
      start: { line: 8, column: 17 },
      end: { line: 8, column: 44 },
    });
    expect(report.findings[0].related[0].label).toBe('catch clause');
    expect(report.findings[0].fingerprints).toEqual({
      primaryLocationLineHash: 'f778:1',
      jwtAudit: 'fp-silent-verify-failure-8',
    });
    expect(report.findings[3].message).toBe(
      "Call 'console.log' writes the token 'eyJ…[redacted]' to the log.",
    );
    expect(report.findings[3].suppression).toEqual({
      kind: 'inSource',
      justification: 'test token, expired',
    });
    expect(Object.keys(report.summary)).toEqual([
      'filesScanned',
      'filesSkipped',
      'testFilesSkipped',
      'findings',
      'bySeverity',
      'byRule',
      'suppressed',
    ]);
    expect(Object.keys(report.summary.byRule)).toEqual([
      'missing-rate-limit',
      'silent-verify-failure',
      'unclassified-verify-failure',
    ]);
    expect(report.errors).toEqual([
      {
        kind: 'parse-error',
        level: 'warning',
        message: "')' expected.",
        file: 'src/broken.ts',
        line: 3,
        column: 7,
      },
      {
        kind: 'skipped',
        level: 'warning',
        message: 'File skipped: larger than 1 MB.',
        file: 'src/vendor/big.min.js',
      },
      { kind: 'config', level: 'note', message: 'No config file found; using defaults.' },
    ]);
  });

  it('never prints timing or the inventory', () => {
    const result = {
      ...sampleResult(),
      timing: { startTimeUtc: '2024-01-01T00:00:00.000Z', endTimeUtc: '2024-01-01T00:00:01.000Z' },
    };
    const out = REPORTERS.json(result, PLAIN);
    expect(out).toBe(REPORTERS.json(sampleResult(), PLAIN));
    expect(out).not.toContain('2024');
  });
});

describe('github reporter', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
    expect(escapeData('a:b,c')).toBe('a:b,c');
  });

  it('prints the most severe first, then plain lines, then a summary line', () => {
    const lines = REPORTERS.github(sampleResult(), PLAIN).trimEnd().split('\n');
    expect(lines).toEqual([
      '::error file=src/auth/jwt.ts,line=8,col=17,endLine=8,endColumn=44,title=jwt-audit ' +
        "silent-verify-failure::Failure of 'jwt.verify' is rejected without a log, metric or " +
        'rethrow.',
      // Multi-line span: GitHub ignores columns, @actions/core forbids them.
      '::warning file=src/routes/login.ts,line=31,endLine=35,title=jwt-audit ' +
        "missing-rate-limit::Route 'POST /login' has no rate limiter.",
      '::notice ' +
        'file=src/auth/jwt.ts,line=112,col=3,endLine=112,endColumn=30,title=jwt-audit ' +
        "unclassified-verify-failure::Failure of 'jwtVerify' is logged without its reason.",
      // Suppressed (shown because --include-suppressed): listed, not annotated.
      'jwt-audit: suppressed error src/routes/login.ts:40:5 token-in-logs: Call ' +
        "'console.log' writes the token 'eyJ…[redacted]' to the log. (test token, expired)",
      "::warning file=src/broken.ts,line=3,col=7,title=jwt-audit parse-error::')' expected.",
      '::warning file=src/vendor/big.min.js,title=jwt-audit skipped::File skipped: larger ' +
        'than 1 MB.',
      '::notice title=jwt-audit config::No config file found; using defaults.',
      'jwt-audit: 1 error, 1 warning, 1 note in 2 files (12 scanned, 1 skipped, 3 test ' +
        'files skipped, 1 suppressed).',
    ]);
  });

  it('escapes file names and messages so nothing can inject a workflow command', () => {
    const result = sampleResult();
    result.notices = [];
    result.findings = [
      finding('silent-verify-failure', 'error', 'Bad: 100%\n::add-mask::x, y', {
        ...loc('src/a,b:c.ts', 2, 3, 2, 9),
        uri: 'pkg/src/a,b:c.ts',
      }),
    ];
    const [annotation, summary] = REPORTERS.github(result, PLAIN).trimEnd().split('\n');
    expect(annotation).toBe(
      '::error ' +
        'file=pkg/src/a%2Cb%3Ac.ts,line=2,col=3,endLine=2,endColumn=9,title=jwt-audit ' +
        'silent-verify-failure::Bad: 100%25%0A::add-mask::x, y',
    );
    expect(summary.startsWith('jwt-audit: 1 error')).toBe(true);
  });

  it(
    'orders errors before warnings before notes ' + 'across files and notes the 10-per-type limit',
    () => {
      const result = sampleResult();
      result.notices = [];
      result.findings = [];
      for (let i = 1; i <= 12; i++) {
        result.findings.push(
          finding('missing-rate-limit', 'warning', `w${i}`, loc('a.ts', i, 1, i, 2)),
        );
        result.findings.push(
          finding('silent-verify-failure', 'error', `e${i}`, loc('b.ts', i, 1, i, 2)),
        );
      }
      const lines = REPORTERS.github(result, PLAIN).trimEnd().split('\n');
      expect(lines.slice(0, 12).every((l) => l.startsWith('::error '))).toBe(true);
      expect(lines[0]).toContain('::e1');
      expect(lines[11]).toContain('::e12');
      expect(lines.slice(12, 24).every((l) => l.startsWith('::warning '))).toBe(true);
      expect(lines[24]).toMatch(
        new RegExp(
          /^jwt-audit: 12 errors, 12 warnings, 0 notes in 2 files .* /.source +
            /GitHub shows only the first 10 annotations of each type/.source,
        ),
      );
    },
  );

  it('renders a step summary with per-rule counts and the top findings', () => {
    const result = sampleResult();
    result.findings[0] = { ...result.findings[0], message: 'Has | pipe and <b>html</b>.' };
    const md = renderStepSummary(result);
    expect(md).toContain('## jwt-audit');
    expect(md).toContain('**3 findings**: 1 error, 1 warning, 1 note.');
    expect(md).toContain(
      `| [\`silent-verify-failure\`](${docsUrl('silent-verify-failure')}) | Error | 1 |`,
    );
    expect(md).toContain(
      '| Error | `src/auth/jwt.ts:8:17` | `silent-verify-failure` | Has \\| pipe and ' +
        '&lt;b&gt;html&lt;/b&gt;. |',
    );
    // Suppressed findings are not counted or listed; JWTs never appear.
    expect(md).not.toContain('token-in-logs');
    expect(md).not.toContain(SAMPLE_JWT);
    // Top findings are most severe first.
    expect(md.indexOf('| Error |')).toBeLessThan(md.indexOf('| Warning |'));
    expect(md.indexOf('| Warning | `')).toBeLessThan(md.indexOf('| Note | `'));
  });
});

describe('redactJwts', () => {
  it('redacts JWS, unsecured and JWE tokens, and nothing else', () => {
    expect(redactJwts(`Bearer ${SAMPLE_JWT}`)).toBe('Bearer eyJ…[redacted]');
    expect(redactJwts(`token=${SAMPLE_JWT}&x=1`)).toBe('token=eyJ…[redacted]&x=1');
    expect(redactJwts('"eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."')).toBe('"eyJ…[redacted]"');
    expect(redactJwts('eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtaXYtaXY.Y2lwaGVy.dGFn')).toBe(
      'eyJ…[redacted]',
    );
    expect(redactJwts('keyJar.value.other and eyJ alone and a.b.c')).toBe(
      'keyJar.value.other and eyJ alone and a.b.c',
    );
    expect(redactJwts(redactJwts(SAMPLE_JWT))).toBe('eyJ…[redacted]');
  });
});

describe('rule help', () => {
  const rule = RULES[0];

  it('renders Markdown with rationale, remedy, fenced examples, CWE and docs links', () => {
    const md = renderHelpMarkdown(rule);
    expect(md).toContain('## Why it matters');
    expect(md).toContain('## How to fix');
    expect(md).toContain('```ts\ntry {\n  jwt.verify(token, secret);\n} catch {');
    expect(md).toContain(
      '[CWE-778: Insufficient Logging](https://cwe.mitre.org/data/definitions/778.html)',
    );
    expect(md).toContain(
      'https://github.com/jwt-audit/jwt-audit/blob/main/docs/rules/silent-verify-failure.md',
    );
  });

  it('uses a longer fence when an example contains backticks', () => {
    const md = renderHelpMarkdown({
      ...rule,
      examples: { bad: 'const s = `x ``` y`;', good: 'ok();' },
    });
    expect(md).toContain('````ts\nconst s = `x ``` y`;\n````');
  });

  it('renders plain text with indented examples and the docs URL', () => {
    const text = renderHelpText(rule);
    expect(text.startsWith('silent-verify-failure (error): ')).toBe(true);
    expect(text).toContain('\n    try {\n      jwt.verify(token, secret);');
    expect(text).toContain(`Documentation: ${docsUrl(rule.id)}`);
  });

  it('toRuleInfo adds help and docs URL to the meta', () => {
    const { helpMarkdown, helpText, docsUrl: url, ...meta } = toRuleInfo(rule);
    expect(url).toBe(docsUrl(rule.id));
    expect(helpMarkdown).toBe(renderHelpMarkdown(rule));
    expect(helpText).toBe(renderHelpText(rule));
    expect(meta.id).toBe(rule.id);
  });
});
