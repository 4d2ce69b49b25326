/**
 * Closed-world fixture runner (Semgrep style). Every entry of `fixtures/<rule-id>/` — a file, or a
 * folder for a multi-file app — is scanned on its own with every rule. Annotations on the line(s)
 * directly above a line state what must be found there:
 *
 *   // ruleid: <id>[, <id>]          a finding of <id> starts on the next line
 *   // ok: <id>                      no finding of <id> there (a near-miss)
 *   // todoruleid: <id> -- reason    a known miss: fails once the rule finds it (flip it then)
 *   // todook: <id> -- reason        a known false positive: fails once it is gone
 *
 * Any finding on a line without a matching `ruleid`/`todook` fails the test, whatever its rule.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { RULES } from '../rules/index.js';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const EXTENSIONS = /\.(js|jsx|ts|tsx|mjs|cjs|mts|cts)$/;
const ANNOTATION =
  /^\s*(?:\/\/|\*|\/\*)\s*(ruleid|ok|todoruleid|todook):\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*(?:--.*)?$/;

interface Expectation {
  kind: 'ruleid' | 'ok' | 'todoruleid' | 'todook';
  rule: string;
  file: string;
  line: number;
  annotationLine: number;
}

function listFiles(entry: string): string[] {
  const stat = fs.statSync(entry);
  if (stat.isFile()) return EXTENSIONS.test(entry) ? [entry] : [];
  return fs
    .readdirSync(entry)
    .sort()
    .flatMap((name) => listFiles(path.join(entry, name)));
}

function readExpectations(file: string): Expectation[] {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const out: Expectation[] = [];
  let pending: Array<Omit<Expectation, 'line'>> = [];
  lines.forEach((text, index) => {
    const m = ANNOTATION.exec(text);
    if (m) {
      for (const rule of m[2].split(',').map((s) => s.trim()))
        pending.push({ kind: m[1] as Expectation['kind'], rule, file, annotationLine: index + 1 });
      return;
    }
    for (const p of pending) out.push({ ...p, line: index + 1 });
    pending = [];
  });
  return out;
}

function projectConfig(entry: string) {
  const configFile = fs.statSync(entry).isDirectory()
    ? path.join(entry, '.jwt-audit.json')
    : undefined;
  if (configFile && fs.existsSync(configFile))
    return { ...DEFAULT_CONFIG, ...JSON.parse(fs.readFileSync(configFile, 'utf8')) };
  return DEFAULT_CONFIG;
}

const ruleDirs = fs.existsSync(FIXTURES)
  ? fs
      .readdirSync(FIXTURES)
      .filter((d) => fs.statSync(path.join(FIXTURES, d)).isDirectory())
      .sort()
  : [];

describe('fixtures', () => {
  for (const ruleDir of ruleDirs) {
    const entries = fs.readdirSync(path.join(FIXTURES, ruleDir)).sort();
    describe(ruleDir, () => {
      for (const name of entries) {
        const entry = path.join(FIXTURES, ruleDir, name);
        it(name, () => {
          const files = listFiles(entry);
          const expectations = files.flatMap(readExpectations);
          for (const e of expectations)
            expect(
              RULES[e.rule],
              `${path.relative(FIXTURES, e.file)}:${e.annotationLine} names unknown rule ` +
                `'${e.rule}'`,
            ).toBeDefined();
          const result = scan({
            files,
            cwd: FIXTURES,
            repoRoot: FIXTURES,
            readFile: (f) => fs.readFileSync(f, 'utf8'),
            config: projectConfig(entry),
            includeSuppressed: false,
          });
          const internal = result.notices.filter((n) => n.kind === 'rule-error');
          expect(internal, 'internal errors').toEqual([]);

          const found = new Set(
            result.findings.map((f) => `${f.location.file}:${f.location.start.line}:${f.ruleId}`),
          );
          const key = (e: Expectation) =>
            `${path.relative(FIXTURES, e.file).split(path.sep).join('/')}:${e.line}:${e.rule}`;
          const problems: string[] = [];
          const allowed = new Set<string>();
          for (const e of expectations) {
            const k = key(e);
            if (e.kind === 'ruleid' && !found.has(k)) problems.push(`missing ${e.rule} at ${k}`);
            if (e.kind === 'ok' && found.has(k))
              problems.push(`unexpected ${e.rule} at ${k} (annotated ok)`);
            if (e.kind === 'todoruleid' && found.has(k))
              problems.push(`${e.rule} at ${k} is now found: turn todoruleid into ruleid`);
            if (e.kind === 'todook' && !found.has(k))
              problems.push(`${e.rule} at ${k} is no longer reported: turn todook into ok`);
            if (e.kind === 'ruleid' || e.kind === 'todook') allowed.add(k);
          }
          for (const f of result.findings) {
            const k = `${f.location.file}:${f.location.start.line}:${f.ruleId}`;
            if (!allowed.has(k)) problems.push(`unannotated ${f.ruleId} at ${k}: ${f.message}`);
          }
          expect(problems).toEqual([]);
        });
      }
    });
  }
});

describe('fixture coverage', () => {
  const count = (ruleDir: string, kind: string) =>
    listFiles(path.join(FIXTURES, ruleDir))
      .flatMap(readExpectations)
      .filter((e) => e.kind === kind && e.rule === ruleDir).length;
  for (const id of Object.keys(RULES)) {
    it(`${id} has at least 10 ruleid and 10 ok cases`, () => {
      expect(fs.existsSync(path.join(FIXTURES, id)), `fixtures/${id} exists`).toBe(true);
      expect(count(id, 'ruleid')).toBeGreaterThanOrEqual(10);
      expect(count(id, 'ok')).toBeGreaterThanOrEqual(10);
    });
  }
});
