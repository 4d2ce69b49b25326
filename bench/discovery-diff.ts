/**
 * Two builds of `discover()` on the same directories, compared: the file list, total bytes, test
 * files skipped and the skipped notices must be identical. Used to prove that a new discovery
 * finds what the old one found (bench/README.md, "File-set identity").
 *
 *   node dist/bench/discovery-diff.js --old /path/to/old/dist/src/discover.js DIR [DIR...]
 *
 * Each DIR is scanned as `jwt-audit scan .` would from inside it (tests excluded), and also with
 * tests included. Prints one line per directory and the differing paths; exits 1 on a difference.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { discover } from '../src/discover.js';

type Discover = typeof discover;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const at = argv.indexOf('--old');
  if (at === -1 || argv[at + 1] === undefined) {
    process.stderr.write('usage: discovery-diff.js --old OLD/discover.js DIR [DIR...]\n');
    process.exit(2);
  }
  const oldModule = (await import(pathToFileURL(path.resolve(argv[at + 1])).href)) as {
    discover: Discover;
  };
  argv.splice(at, 2);
  let differences = 0;
  for (const dir of argv.map((d) => path.resolve(d))) {
    for (const includeTests of [false, true]) {
      const opts = { cwd: dir, paths: ['.'], ignore: [], includeTests };
      const t0 = performance.now();
      const before = await oldModule.discover(opts);
      const t1 = performance.now();
      const after = await discover(opts);
      const t2 = performance.now();
      const onlyOld = before.files.filter((f) => !after.files.includes(f));
      const onlyNew = after.files.filter((f) => !before.files.includes(f));
      const same =
        onlyOld.length === 0 &&
        onlyNew.length === 0 &&
        before.files.join('\n') === after.files.join('\n') &&
        before.bytes === after.bytes &&
        before.testFilesSkipped === after.testFilesSkipped &&
        JSON.stringify(before.skipped) === JSON.stringify(after.skipped);
      if (!same) differences++;
      process.stdout.write(
        `${same ? 'same' : 'DIFFERENT'}  ${dir}${includeTests ? ' (tests included)' : ''}: ` +
          `${after.files.length} files (old ${before.files.length}), ` +
          `${after.testFilesSkipped} test files skipped (old ${before.testFilesSkipped}), ` +
          `${after.skipped.length} skipped notices (old ${before.skipped.length}); ` +
          `old ${(t1 - t0).toFixed(0)} ms, new ${(t2 - t1).toFixed(0)} ms\n`,
      );
      for (const f of onlyOld.slice(0, 20)) process.stdout.write(`  only old: ${f}\n`);
      for (const f of onlyNew.slice(0, 20)) process.stdout.write(`  only new: ${f}\n`);
      if (JSON.stringify(before.skipped) !== JSON.stringify(after.skipped)) {
        const a = new Set(before.skipped.map((n) => n.message));
        const b = new Set(after.skipped.map((n) => n.message));
        for (const m of a) if (!b.has(m)) process.stdout.write(`  notice only old: ${m}\n`);
        for (const m of b) if (!a.has(m)) process.stdout.write(`  notice only new: ${m}\n`);
      }
    }
  }
  process.exitCode = differences > 0 ? 1 : 0;
}

await main();
