/**
 * A bounded fuzz test: the fixtures, mutated the ways real repositories are broken (truncated,
 * lines deleted or duplicated, random bytes inserted), must always scan to completion with a
 * well-formed report. A fixed seed and case count keep it reproducible and a few seconds long.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scan } from '../src/scan.js';
import { DEFAULT_CONFIG } from '../src/config.js';
import { jsonReporter } from '../src/reporters/json.js';
import { sarifReporter } from '../src/reporters/sarif.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SEED = 20261124;
const CASES = 300;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixtureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...fixtureFiles(p));
    else if (/\.(m|c)?[jt]sx?$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

type Mutation = (text: string, rnd: () => number) => string;
const pick = <T>(items: readonly T[], rnd: () => number): T =>
  items[Math.floor(rnd() * items.length)];
const MUTATIONS: Record<string, Mutation> = {
  truncate: (t, rnd) => t.slice(0, Math.floor(rnd() * t.length)),
  deleteLines: (t, rnd) =>
    t
      .split('\n')
      .filter(() => rnd() > 0.15)
      .join('\n'),
  duplicateLines: (t, rnd) =>
    t
      .split('\n')
      .flatMap((l) => (rnd() < 0.1 ? [l, l] : [l]))
      .join('\n'),
  insertBytes: (t, rnd) => {
    let s = t;
    for (let i = 0; i < 1 + Math.floor(rnd() * 8); i++) {
      const at = Math.floor(rnd() * s.length);
      const junk = String.fromCharCode(
        ...Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 0xffff)),
      );
      s = s.slice(0, at) + junk + s.slice(at);
    }
    return s;
  },
  braces: (t, rnd) => t.replace(/[{}()[\]]/g, (c) => (rnd() < 0.05 ? '' : c)),
};

describe('fuzzed fixtures', () => {
  it(`${CASES} mutated fixtures (seed ${SEED}) all scan to a well-formed report without ` +
    `internal errors`, () => {
    const rnd = prng(SEED);
    const sources = fixtureFiles(path.join(REPO, 'fixtures'));
    expect(sources.length).toBeGreaterThan(50);
    const names = Object.keys(MUTATIONS);
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      // a few files per case, so cross-file linking sees broken neighbours too
      const files: Record<string, string> = {};
      for (let k = 0; k < 3; k++) {
        const source = pick(sources, rnd);
        const mutation = pick(names, rnd);
        files[`/fuzz/${k}-${path.basename(source)}`] = MUTATIONS[mutation](
          fs.readFileSync(source, 'utf8'),
          rnd,
        );
      }
      const label = `case ${i}: ${Object.keys(files).join(', ')}`;
      try {
        const result = scan({
          files: Object.keys(files).sort(),
          cwd: '/fuzz',
          repoRoot: '/fuzz',
          readFile: (f) => files[f],
          config: DEFAULT_CONFIG,
        });
        const internal = result.notices.filter((n) => n.kind === 'rule-error');
        if (internal.length > 0) failures.push(`${label}: ${internal[0].message}`);
        const report = JSON.parse(jsonReporter(result, { color: false, cwd: '/fuzz' }));
        expect(report.summary.findings).toBe(report.findings.length);
        for (const f of report.findings) expect(f.location.start.line).toBeGreaterThanOrEqual(1);
        JSON.parse(sarifReporter(result, { color: false, cwd: '/fuzz' }));
      } catch (error) {
        failures.push(`${label}: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')}`);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
