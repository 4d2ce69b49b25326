import { describe, expect, it } from 'vitest';
import { applySuppressions, parseDirectives } from '../src/suppressions.js';
import type { Finding } from '../src/types.js';

const KNOWN = ['silent-verify-failure', 'token-in-logs', 'missing-rate-limit'];

function finding(ruleId: string, line: number, file = 'src/a.ts'): Finding {
  return {
    ruleId,
    severity: 'error',
    message: `${ruleId} at ${line}.`,
    location: { file, uri: file, start: { line, column: 1 }, end: { line, column: 10 } },
    related: [],
    fingerprints: { primaryLocationLineHash: 'h:1', jwtAudit: `${ruleId}-${line}` },
  };
}

describe('parseDirectives', () => {
  it('parses next-line and line directives with ids and reasons', () => {
    const text = [
      'const a = 1;',
      '// jwt-audit-disable-next-line silent-verify-failure, token-in-logs -- legacy ' +
        'endpoint, removed in Q3',
      'jwt.verify(t, s, () => {});',
      'logger.info(token); // jwt-audit-disable-line token-in-logs -- fixture token',
    ].join('\n');
    expect(parseDirectives(text)).toEqual([
      {
        line: 2,
        column: 1,
        kind: 'disable-next-line',
        targetLine: 3,
        ruleIds: ['silent-verify-failure', 'token-in-logs'],
        reason: 'legacy endpoint, removed in Q3',
        text:
          '// jwt-audit-disable-next-line silent-verify-failure, token-in-logs -- legacy ' +
          'endpoint, removed in Q3',
      },
      {
        line: 4,
        column: 21,
        kind: 'disable-line',
        targetLine: 4,
        ruleIds: ['token-in-logs'],
        reason: 'fixture token',
        text: '// jwt-audit-disable-line token-in-logs -- fixture token',
      },
    ]);
  });

  it('reads block comments, a directive without ids (all rules) and one without a reason', () => {
    const text =
      'x();\n/* jwt-audit-disable-next-line -- generated code */\ny();\nz(); /* ' +
      'jwt-audit-disable-line token-in-logs */\n';
    const [all, noReason] = parseDirectives(text);
    expect(all).toMatchObject({ line: 2, targetLine: 3, ruleIds: [], reason: 'generated code' });
    expect(noReason).toMatchObject({
      line: 4,
      column: 6,
      targetLine: 4,
      ruleIds: ['token-in-logs'],
      reason: null,
    });
  });

  it('targets the line after a multi-line block comment', () => {
    const text = '/*\n * jwt-audit-disable-next-line token-in-logs -- reason\n */\nlog(token);\n';
    expect(parseDirectives(text)).toMatchObject([
      { line: 1, targetLine: 4, ruleIds: ['token-in-logs'], reason: 'reason' },
    ]);
  });

  it('ignores look-alikes: directives inside strings, other words, ordinary comments', () => {
    const text = [
      "const s = '// jwt-audit-disable-line token-in-logs -- no';",
      'const t = `',
      '// jwt-audit-disable-next-line token-in-logs -- inside a template',
      '`;',
      '// jwt-audit-disable-lines token-in-logs -- not the keyword',
      '// see jwt-audit-disable-line in the docs',
      '// eslint-disable-next-line no-console',
    ].join('\n');
    expect(parseDirectives(text)).toEqual([]);
  });

  it('counts lines correctly after strings, templates and comments', () => {
    const text = 'const a = "x";\nconst b = `1\n2`;\n/* c\n */\n// jwt-audit-disable-line -- all\n';
    expect(parseDirectives(text)).toMatchObject([{ line: 6, targetLine: 6, ruleIds: [] }]);
  });
});

describe('applySuppressions', () => {
  it(
    'suppresses findings on the target line for the named rules only, with the reason as ' +
      'justification',
    () => {
      const directives = parseDirectives(
        '// jwt-audit-disable-next-line token-in-logs -- test token\nlog(token);\n',
      );
      const result = applySuppressions(
        {
          'src/a.ts': [
            finding('token-in-logs', 2),
            finding('silent-verify-failure', 2),
            finding('token-in-logs', 3),
          ],
        },
        { 'src/a.ts': directives },
        KNOWN,
      );
      expect(result.suppressedCount).toBe(1);
      expect(
        result.findings.map((f) => [f.ruleId, f.location.start.line, f.suppression?.justification]),
      ).toEqual([
        ['token-in-logs', 2, 'test token'],
        ['silent-verify-failure', 2, undefined],
        ['token-in-logs', 3, undefined],
      ]);
      expect(result.problems).toEqual([]);
    },
  );

  it('a directive without ids suppresses every rule on its line', () => {
    const result = applySuppressions(
      { 'src/a.ts': [finding('token-in-logs', 5), finding('missing-rate-limit', 5)] },
      {
        'src/a.ts': parseDirectives(
          '\n\n\n\napp.post("/login", h); // jwt-audit-disable-line -- gateway limits it',
        ),
      },
      KNOWN,
    );
    expect(result.suppressedCount).toBe(2);
    expect(result.problems).toEqual([]);
  });

  it('reports a missing reason, an unknown rule, and a directive that suppresses nothing', () => {
    const text = [
      '// jwt-audit-disable-next-line token-in-logs',
      'log(token);',
      '// jwt-audit-disable-next-line no-such-rule -- typo',
      'x();',
      '// jwt-audit-disable-next-line silent-verify-failure -- stale',
      'y();',
    ].join('\n');
    const result = applySuppressions(
      { 'src/a.ts': [finding('token-in-logs', 2)] },
      { 'src/a.ts': parseDirectives(text) },
      KNOWN,
    );
    expect(result.suppressedCount).toBe(1);
    expect(result.findings[0].suppression).toEqual({ kind: 'inSource', justification: '' });
    expect(result.problems.map((p) => [p.kind, p.directive.line, p.ruleId ?? null])).toEqual([
      ['missing-reason', 1, null],
      ['unknown-rule', 3, 'no-such-rule'],
      ['unused', 5, 'silent-verify-failure'],
    ]);
    expect(result.problems.every((p) => p.file === 'src/a.ts' && p.message.endsWith('.'))).toBe(
      true,
    );
  });

  it('reports the unused id of a directive that names several', () => {
    const result = applySuppressions(
      { 'src/a.ts': [finding('token-in-logs', 2)] },
      {
        'src/a.ts': parseDirectives(
          '// jwt-audit-disable-next-line token-in-logs, missing-rate-limit -- both\nlog(token);',
        ),
      },
      KNOWN,
    );
    expect(result.problems.map((p) => [p.kind, p.ruleId])).toEqual([
      ['unused', 'missing-rate-limit'],
    ]);
  });

  it('does not call a directive unused for a rule that did not run', () => {
    const result = applySuppressions(
      {},
      {
        'src/b.ts': parseDirectives(
          '// jwt-audit-disable-next-line missing-rate-limit -- gateway\n' +
            'app.post("/login", h);\n// jwt-audit-disable-line -- all\n',
        ),
      },
      KNOWN,
      ['token-in-logs'],
    );
    expect(result.problems).toEqual([]);
  });

  it('matches findings to directives of the same file only', () => {
    const result = applySuppressions(
      { 'src/a.ts': [finding('token-in-logs', 2, 'src/a.ts')] },
      {
        'src/b.ts': parseDirectives(
          '// jwt-audit-disable-next-line token-in-logs -- other file\nlog(token);',
        ),
      },
      KNOWN,
    );
    expect(result.suppressedCount).toBe(0);
    expect(result.problems.map((p) => [p.file, p.kind])).toEqual([['src/b.ts', 'unused']]);
  });
});
