import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvDraft04 from 'ajv-draft-04';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import {
  buildSarifLog,
  capFindings,
  MAX_RESULTS_PER_RUN,
  pathToUri,
  sarifReporter,
} from '../src/reporters/sarif.js';
import type { Finding, ScanResult } from '../src/types.js';
import { SAMPLE_JWT, finding, loc, sampleResult } from './reporter-fixture.js';

const OPTIONS = { color: false, cwd: '/repo' };

function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(fileURLToPath(new URL(`./data/${name}`, import.meta.url)), 'utf8'),
  );
}

// The official OASIS schema (JSON Schema draft-04), copied from shared/sarif/.
// CommonJS packages: `.default` is the class both under Node's ESM interop and in their typings
const oasis = new AjvDraft04.default({ allErrors: true, strict: false });
addFormats.default(oasis);
const validateOasis = oasis.compile(loadSchema('sarif-schema-2.1.0.json'));

// The copy github/codeql-action/upload-sarif validates uploads against (draft 2020-12). In that
// copy, region's `anyOf` (startLine | charOffset | byteOffset required) sits inside `properties`,
// where it declares a property named "anyOf" with an array for its schema. The action's lenient
// validator (the `jsonschema` package) ignores it; Ajv refuses to compile it, so it is removed
// here: that is the schema the action effectively applies.
const uploadSchema = loadSchema('codeql-action-upload-schema.json') as {
  definitions: { region: { properties: Record<string, unknown> } };
};
delete uploadSchema.definitions.region.properties.anyOf;
const upload = new Ajv2020.default({ allErrors: true, strict: false });
addFormats.default(upload);
const validateUpload = upload.compile(uploadSchema);

function render(result: ScanResult): Sarif.Log {
  return JSON.parse(sarifReporter(result, OPTIONS)) as Sarif.Log;
}

function expectValid(log: unknown): void {
  expect(validateOasis(log), JSON.stringify(validateOasis.errors, null, 2)).toBe(true);
  expect(validateUpload(log), JSON.stringify(validateUpload.errors, null, 2)).toBe(true);
}

describe('SARIF reporter', () => {
  const log = render(sampleResult());
  const run = log.runs[0];
  const results = run.results!;

  it('is valid against the OASIS schema and the upload action schema', () => {
    expectValid(log);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the validators are not vacuous', () => {
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].level = 'critical';
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validateOasis(broken)).toBe(false);
    expect(validateUpload(broken)).toBe(false);
  });

  it('describes the tool and every rule as GitHub needs', () => {
    const driver = run.tool.driver;
    expect(driver.name).toBe('jwt-audit');
    expect(driver.version).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/jwt-audit/jwt-audit');
    expect(driver.rules!.map((r) => r.id)).toEqual(sampleResult().rules.map((r) => r.id));
    for (const rule of driver.rules!) {
      expect(rule.name).toMatch(/^[A-Z][A-Za-z]+$/);
      expect(rule.shortDescription!.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription!.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription!.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help!.text.length).toBeGreaterThan(0);
      expect(rule.help!.markdown).toContain(
        `https://github.com/jwt-audit/jwt-audit/blob/main/docs/rules/${rule.id}.md`,
      );
      expect(['error', 'warning', 'note']).toContain(rule.defaultConfiguration!.level);
      const props = rule.properties!;
      expect(typeof props['security-severity']).toBe('string');
      expect(props['security-severity']).toMatch(/^\d+(\.\d+)?$/);
      const score = Number(props['security-severity']);
      expect(score).toBeGreaterThanOrEqual(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(props.tags).toContain('security');
      expect(props.tags!.length).toBeLessThanOrEqual(10);
      expect(props.tags!.some((t: string) => /^external\/cwe\/cwe-\d+$/.test(t))).toBe(true);
      expect(['very-high', 'high', 'medium', 'low']).toContain(props.precision);
    }
    expect(driver.rules![0].properties!['security-severity']).toBe('7.5');
    expect(driver.rules![1].properties!['security-severity']).toBe('6.0');
  });

  it('truncates descriptions over 1024 characters', () => {
    const result = sampleResult();
    result.rules = [{ ...result.rules[0], fullDescription: 'x'.repeat(5000) }];
    result.findings = result.findings.filter((f) => f.ruleId === result.rules[0].id);
    const out = render(result);
    expect(out.runs[0].tool.driver.rules![0].fullDescription!.text).toHaveLength(1024);
    expectValid(out);
  });

  it(
    'writes results with rule index, level, message, repository-relative locations and ' +
      'fingerprints',
    () => {
      const rules = run.tool.driver.rules!;
      expect(results).toHaveLength(4);
      for (const r of results) {
        expect(rules[r.ruleIndex!].id).toBe(r.ruleId);
        expect(['error', 'warning', 'note']).toContain(r.level);
        expect(r.message.text!.length).toBeGreaterThan(0);
        expect(r.message.text).not.toContain(SAMPLE_JWT);
        for (const l of [...r.locations!, ...(r.relatedLocations ?? [])]) {
          const artifact = l.physicalLocation!.artifactLocation!;
          expect(artifact.uriBaseId).toBe('%SRCROOT%');
          expect(artifact.uri).not.toMatch(/^(\/|\.\/|[a-z]+:)/i);
          expect(artifact.uri).not.toContain('\\');
          const region = l.physicalLocation!.region!;
          expect(region.startLine).toBeGreaterThanOrEqual(1);
          expect(region.startColumn).toBeGreaterThanOrEqual(1);
          expect(region.endLine).toBeGreaterThanOrEqual(region.startLine!);
          expect(region.endColumn).toBeGreaterThanOrEqual(1);
        }
        expect(r.partialFingerprints!.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
        expect(r.partialFingerprints!['jwtAudit/v1']).toBeTruthy();
      }
      expect(results[0]).toMatchObject({
        ruleId: 'silent-verify-failure',
        ruleIndex: 0,
        level: 'error',
        message: { text: "Failure of 'jwt.verify' is rejected without a log, metric or rethrow." },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'src/auth/jwt.ts', uriBaseId: '%SRCROOT%' },
              region: { startLine: 8, startColumn: 17, endLine: 8, endColumn: 44 },
            },
          },
        ],
        relatedLocations: [
          {
            id: 1,
            message: { text: 'catch clause' },
            physicalLocation: {
              region: { startLine: 10, startColumn: 5, endLine: 12, endColumn: 6 },
            },
          },
        ],
        partialFingerprints: {
          primaryLocationLineHash: 'f778:1',
          'jwtAudit/v1': 'fp-silent-verify-failure-8',
        },
      });
      expect(results[2].relatedLocations![0].physicalLocation!.artifactLocation!.uri).toBe(
        'src/app.ts',
      );
    },
  );

  it('uses the repository-relative uri, not the cwd-relative file', () => {
    const result = sampleResult();
    result.findings = [
      finding('silent-verify-failure', 'error', 'm.', {
        ...loc('src/a.ts', 1, 1, 1, 5),
        uri: 'packages/api/src/a.ts',
      }),
    ];
    const out = render(result);
    expect(out.runs[0].results![0].locations![0].physicalLocation!.artifactLocation!.uri).toBe(
      'packages/api/src/a.ts',
    );
  });

  it('marks only suppressed findings with an inSource suppression', () => {
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].ruleId).toBe('token-in-logs');
    expect(suppressed[0].suppressions).toEqual([
      { kind: 'inSource', justification: 'test token, expired' },
    ]);
    // Every result carrying suppressions comes from a finding that the engine marked suppressed.
    const input = sampleResult().findings;
    for (const [i, r] of results.entries()) {
      expect(Boolean(r.suppressions)).toBe(Boolean(input[i].suppression));
    }
  });

  it('reports notices as tool execution notifications and timing only when given', () => {
    const invocation = run.invocations![0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.startTimeUtc).toBeUndefined();
    expect(invocation.toolExecutionNotifications).toEqual([
      {
        descriptor: { id: 'parse-error' },
        level: 'warning',
        message: { text: "')' expected." },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'src/broken.ts' },
              region: { startLine: 3, startColumn: 7 },
            },
          },
        ],
      },
      {
        descriptor: { id: 'skipped' },
        level: 'warning',
        message: { text: 'File skipped: larger than 1 MB.' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'src/vendor/big.min.js' } } }],
      },
      {
        descriptor: { id: 'config' },
        level: 'note',
        message: { text: 'No config file found; using defaults.' },
      },
    ]);

    const timed = render({
      ...sampleResult(),
      timing: { startTimeUtc: '2024-05-01T10:00:00.000Z', endTimeUtc: '2024-05-01T10:00:02.500Z' },
    });
    expect(timed.runs[0].invocations![0]).toMatchObject({
      startTimeUtc: '2024-05-01T10:00:00.000Z',
      endTimeUtc: '2024-05-01T10:00:02.500Z',
    });
    expectValid(timed);
  });

  it('marks the run unsuccessful when a rule failed', () => {
    const result = sampleResult();
    result.notices.push({
      kind: 'rule-error',
      level: 'error',
      message: 'Rule threw: TypeError.',
      ruleId: 'token-in-logs',
      file: 'src/x.ts',
      line: 4,
    });
    const out = render(result);
    const invocation = out.runs[0].invocations![0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications!.at(-1)!.associatedRule).toEqual({
      id: 'token-in-logs',
      index: 3,
    });
    expectValid(out);
  });

  it('percent-encodes paths into valid relative URI references', () => {
    expect(pathToUri('app/api/[id]/my file#1.ts')).toBe('app/api/%5Bid%5D/my%20file%231.ts');
    expect(pathToUri('./src/100%.ts')).toBe('src/100%25.ts');
    expect(pathToUri('src\\win\\a.ts')).toBe('src/win/a.ts');
    expect(pathToUri('c:odd/x.ts')).toBe('c%3Aodd/x.ts');
    expect(pathToUri('app/(auth)/login/route.ts')).toBe('app/(auth)/login/route.ts');
    expect(decodeURIComponent(pathToUri('app/api/[id]/my file#1.ts'))).toBe(
      'app/api/[id]/my file#1.ts',
    );

    const result = sampleResult();
    result.findings = [
      finding('silent-verify-failure', 'error', 'm.', loc('app/api/[id]/my file#1.ts', 1, 1, 1, 5)),
    ];
    expectValid(render(result));
  });

  it(
    'adds a descriptor for a finding whose rule is not in the registry, so the log stays ' +
      'valid',
    () => {
      const result = sampleResult();
      result.findings.push(finding('unknown-rule', 'warning', 'm.', loc('z.ts', 1, 1, 1, 2)));
      const out = render(result);
      const rules = out.runs[0].tool.driver.rules!;
      const last = out.runs[0].results!.at(-1)!;
      expect(rules[last.ruleIndex!].id).toBe('unknown-rule');
      expectValid(out);
    },
  );

  it('is byte-identical for identical input', () => {
    expect(sarifReporter(sampleResult(), OPTIONS)).toBe(sarifReporter(sampleResult(), OPTIONS));
  });
});

describe('25,000-result cap', () => {
  it('keeps the most severe findings, in input order, and says so', () => {
    const findings: Finding[] = [];
    // 20,000 notes, 5,010 warnings, 10 errors at the very end.
    for (let i = 0; i < 20_000; i++)
      findings.push(
        finding('unclassified-verify-failure', 'note', `n${i}`, loc('a.ts', i + 1, 1, i + 1, 2)),
      );
    for (let i = 0; i < 5_010; i++)
      findings.push(
        finding('missing-rate-limit', 'warning', `w${i}`, loc('b.ts', i + 1, 1, i + 1, 2)),
      );
    for (let i = 0; i < 10; i++)
      findings.push(
        finding('silent-verify-failure', 'error', `e${i}`, loc('c.ts', i + 1, 1, i + 1, 2)),
      );

    const kept = capFindings(findings);
    expect(kept).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(kept.filter((f) => f.severity === 'error')).toHaveLength(10);
    expect(kept.filter((f) => f.severity === 'warning')).toHaveLength(5_010);
    expect(kept.filter((f) => f.severity === 'note')).toHaveLength(MAX_RESULTS_PER_RUN - 5_020);
    // The notes dropped are the last ones; order is preserved.
    expect(kept[0].message).toBe('n0');
    expect(kept.at(-1)!.message).toBe('e9');

    const log = buildSarifLog({ ...sampleResult(), findings, notices: [] });
    expect(log.runs[0].results).toHaveLength(MAX_RESULTS_PER_RUN);
    const notes = log.runs[0].invocations![0].toolExecutionNotifications!;
    expect(notes).toHaveLength(1);
    expect(notes[0].message.text).toContain('the 20 least severe were left out');
  });
});
