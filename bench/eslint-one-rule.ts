/**
 * The ESLint comparison: the files the scan analyses (the engine's own `discover()`), linted by
 * ESLint 9 with `@typescript-eslint/parser` and one trivial rule (`no-debugger`), no config file,
 * one thread (ESLint's default). What it costs an ESLint-based tool to parse and traverse the
 * same code once: ESLint's parse (typescript-estree: the TypeScript parser, then a conversion to
 * ESTree), scope analysis and one traversal.
 *
 *   node dist/bench/eslint-one-rule.js [PATH...]      (paths relative to the working directory)
 *
 * Prints one JSON line: { files, linted, fatal, problems, discoverMs, lintMs, totalMs }. `fatal`
 * counts files ESLint could not parse (still read and counted in `linted`).
 */
import { performance } from 'node:perf_hooks';
import * as tsParser from '@typescript-eslint/parser';
import { ESLint, type Linter } from 'eslint';
import { discover, SOURCE_EXTENSIONS } from '../src/discover.js';

export interface EslintResult {
  files: number;
  linted: number;
  fatal: number;
  problems: number;
  discoverMs: number;
  lintMs: number;
  totalMs: number;
}

export async function eslintOneRule(cwd: string, paths: string[]): Promise<EslintResult> {
  const t0 = performance.now();
  const { files } = await discover({ cwd, paths, ignore: [], includeTests: false });
  const t1 = performance.now();
  const extensions = SOURCE_EXTENSIONS.map((e) => e.slice(1)).join(',');
  const eslint = new ESLint({
    cwd,
    overrideConfigFile: true,
    ignore: false,
    overrideConfig: [
      {
        files: [`**/*.{${extensions}}`],
        languageOptions: {
          parser: tsParser as Linter.Parser,
          sourceType: 'module',
        },
        rules: { 'no-debugger': 'error' },
      },
    ],
  });
  const results = await eslint.lintFiles(files);
  const t2 = performance.now();
  let fatal = 0;
  let problems = 0;
  for (const r of results) {
    fatal += r.fatalErrorCount;
    problems += r.errorCount + r.warningCount;
  }
  return {
    files: files.length,
    linted: results.length,
    fatal,
    problems,
    discoverMs: t1 - t0,
    lintMs: t2 - t1,
    totalMs: performance.now(),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const result = await eslintOneRule(process.cwd(), args.length > 0 ? args : ['.']);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
