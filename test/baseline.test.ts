import { describe, expect, it } from 'vitest';
import { applyBaseline, readBaselineFingerprints } from '../src/baseline.js';
import { UsageError } from '../src/errors.js';
import { filterToChangedLines, parseUnifiedDiff } from '../src/since.js';
import type { Finding, ScanResult, Severity } from '../src/types.js';

function finding(
  ruleId: string,
  severity: Severity,
  line: number,
  fp: string,
  suppressed = false,
): Finding {
  return {
    ruleId,
    severity,
    message: 'm.',
    location: {
      file: 'src/a.ts',
      uri: 'src/a.ts',
      start: { line, column: 1 },
      end: { line, column: 5 },
    },
    related: [],
    fingerprints: { primaryLocationLineHash: `h${line}:1`, jwtAudit: fp },
    ...(suppressed ? { suppression: { kind: 'inSource' as const, justification: 'r' } } : {}),
  };
}

function counts(...fingerprints: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const fp of fingerprints) map.set(fp, (map.get(fp) ?? 0) + 1);
  return map;
}

function result(findings: Finding[]): ScanResult {
  const live = findings.filter((f) => !f.suppression);
  const count = (s: Severity) => live.filter((f) => f.severity === s).length;
  const byRule: Record<string, number> = {};
  for (const f of live) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  return {
    toolVersion: '0.0.0',
    findings,
    notices: [],
    rules: [],
    inventory: { routes: [], verifySites: [], denylistChecks: [], monitors: [] },
    summary: {
      filesScanned: 1,
      filesSkipped: 0,
      testFilesSkipped: 0,
      findings: live.length,
      bySeverity: { error: count('error'), warning: count('warning'), note: count('note') },
      byRule,
      suppressed: findings.length - live.length,
    },
  };
}

describe('readBaselineFingerprints', () => {
  it('reads fingerprints from a json report', () => {
    const text = JSON.stringify({
      version: '0.1.0',
      findings: [{ fingerprints: { jwtAudit: 'aaa' } }, { fingerprints: { jwtAudit: 'bbb' } }],
    });
    expect([...readBaselineFingerprints(text, 'old.json')]).toEqual([
      ['aaa', 1],
      ['bbb', 1],
    ]);
  });

  it('counts repeated fingerprints, and leaves out findings the report marks as suppressed', () => {
    const json = JSON.stringify({
      findings: [
        { fingerprints: { jwtAudit: 'aaa' } },
        { fingerprints: { jwtAudit: 'aaa' } },
        {
          fingerprints: { jwtAudit: 'bbb' },
          suppression: { kind: 'inSource', justification: 'r' },
        },
      ],
    });
    expect([...readBaselineFingerprints(json, 'old.json')]).toEqual([['aaa', 2]]);
    const sarif = JSON.stringify({
      runs: [
        {
          results: [
            {
              partialFingerprints: { 'jwtAudit/v1': 'ccc' },
              fingerprints: { 'jwtAudit/v1': 'ccc' },
            },
            { partialFingerprints: { 'jwtAudit/v1': 'ccc' } },
            { partialFingerprints: { 'jwtAudit/v1': 'ddd' }, suppressions: [{ kind: 'inSource' }] },
          ],
        },
      ],
    });
    expect([...readBaselineFingerprints(sarif, 'old.sarif')]).toEqual([['ccc', 2]]);
  });

  it('reads fingerprints from SARIF partialFingerprints, ignoring the line hash', () => {
    const sarif = {
      version: '2.1.0',
      runs: [
        {
          results: [
            { partialFingerprints: { primaryLocationLineHash: 'x:1', 'jwtAudit/v1': 'ccc' } },
            { partialFingerprints: {} },
          ],
        },
      ],
    };
    expect([...readBaselineFingerprints(JSON.stringify(sarif), 'old.sarif')]).toEqual([['ccc', 1]]);
  });

  it('rejects what is not a report, in one line', () => {
    expect(() => readBaselineFingerprints('{"foo": 1}', 'x.json')).toThrow(UsageError);
    expect(() => readBaselineFingerprints('not json', 'x.json')).toThrow(/not valid JSON/);
  });
});

describe('applyBaseline', () => {
  it('drops findings whose fingerprint is in the baseline and keeps the summary consistent', () => {
    const before = result([
      finding('token-in-logs', 'error', 10, 'old-1'),
      finding('missing-rate-limit', 'warning', 20, 'new-1'),
      finding('token-in-logs', 'error', 30, 'new-2'),
      finding('token-in-logs', 'error', 40, 'old-2', true),
    ]);
    const after = applyBaseline(before, counts('old-1', 'old-2'));
    expect(after.findings.map((f) => f.fingerprints.jwtAudit)).toEqual(['new-1', 'new-2']);
    expect(after.summary).toMatchObject({
      findings: 2,
      bySeverity: { error: 1, warning: 1, note: 0 },
      byRule: { 'token-in-logs': 1, 'missing-rate-limit': 1 },
      suppressed: 0,
    });
    expect(before.findings).toHaveLength(4); // not mutated
  });

  it('matches by fingerprint, not by line: a moved finding stays known', () => {
    const moved = result([finding('token-in-logs', 'error', 99, 'old-1')]);
    expect(applyBaseline(moved, counts('old-1')).findings).toEqual([]);
  });

  it(
    'matches by count: one baselined copy of ' + 'identical code does not hide a second, new one',
    () => {
      const twice = result([
        finding('token-in-logs', 'error', 10, 'same'),
        finding('token-in-logs', 'error', 20, 'same'),
      ]);
      const once = applyBaseline(twice, counts('same'));
      expect(once.findings.map((f) => f.location.start.line)).toEqual([20]);
      expect(once.summary).toMatchObject({
        findings: 1,
        bySeverity: { error: 1 },
        byRule: { 'token-in-logs': 1 },
      });
      expect(applyBaseline(twice, counts('same', 'same')).findings).toEqual([]);
      expect(applyBaseline(twice, counts('same', 'same', 'same')).findings).toEqual([]);
    },
  );

  it('lets a baseline entry excuse an unsuppressed finding before a suppressed copy of it', () => {
    const mixed = result([
      finding('token-in-logs', 'error', 10, 'same', true),
      finding('token-in-logs', 'error', 20, 'same'),
    ]);
    const after = applyBaseline(mixed, counts('same'));
    expect(after.findings.map((f) => [f.location.start.line, f.suppression !== undefined])).toEqual(
      [[10, true]],
    );
    expect(after.summary).toMatchObject({ findings: 0, suppressed: 1 });
  });
});

describe('--since helpers', () => {
  it('parses git diff --unified=0 hunks into changed lines', () => {
    const diff = [
      'diff --git a/src/a.ts b/src/a.ts',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -3 +3 @@ x',
      '@@ -10,0 +11,2 @@',
      '@@ -20,3 +22,0 @@',
      'diff --git a/old.ts b/old.ts',
      '+++ /dev/null',
      '@@ -1,5 +0,0 @@',
    ].join('\n');
    const changed = parseUnifiedDiff(diff, '/repo');
    expect([...changed.keys()]).toEqual(['/repo/src/a.ts']);
    expect([...(changed.get('/repo/src/a.ts') as Set<number>)].sort((a, b) => a - b)).toEqual([
      3, 11, 12, 22, 23,
    ]);
  });

  it('keeps only findings touching changed lines', () => {
    const r = result([
      finding('token-in-logs', 'error', 3, 'a'),
      finding('token-in-logs', 'error', 5, 'b'),
    ]);
    const kept = filterToChangedLines(r, new Map([['/repo/src/a.ts', new Set([3])]]), '/repo');
    expect(kept.findings.map((f) => f.fingerprints.jwtAudit)).toEqual(['a']);
    expect(kept.summary.findings).toBe(1);
    expect(
      filterToChangedLines(r, new Map([['/repo/src/a.ts', 'all']]), '/repo').findings,
    ).toHaveLength(2);
    expect(filterToChangedLines(r, new Map(), '/repo').findings).toHaveLength(0);
  });
});
