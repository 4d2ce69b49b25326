/**
 * Two builds of `discover()` on the same directories, compared: the file list, total bytes, test
 * files skipped and the skipped notices must be identical. Used to prove that a new discovery
 * finds what the old one found (bench/README.md, "File-set identity").
 *
 *   node dist/bench/discovery-diff.js --old /path/to/old/dist/src/discover.js DIR [DIR...]
 *
 *   node dist/bench/discovery-diff.js --git DIR [DIR...]
 *
 * Each DIR is scanned as `jwt-audit scan .` would from inside it (tests excluded), and also with
 * tests included. Prints one line per directory and the differing paths; exits 1 on a difference.
 * `--git` compares instead with git's answer, `git ls-files --others --exclude-standard` in a
 * throw-away repository whose work tree is DIR (nothing is written in DIR), cut down to what
 * discovery looks at (source files outside dot- and always-skipped directories, not tests); files
 * discovery reports as skipped (minified, too large) are counted as found.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { discover, hasSourceExtension, isTestFile } from '../src/discover.js';

type Discover = typeof discover;

/** Source files git leaves unignored under `dir`, relative, as discovery would look at them. */
function gitListed(dir: string): string[] {
  const gitDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-gitcheck-'));
  try {
    const env = {
      ...process.env,
      GIT_DIR: gitDir,
      GIT_WORK_TREE: dir,
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    spawnSync('git', ['init', '-q', '--bare', gitDir]);
    const r = spawnSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`git ls-files failed in ${dir}: ${r.stderr}`);
    const skipped = /^(\..*|node_modules|dist|build|coverage)$/;
    return r.stdout
      .split('\0')
      .filter((f) => f !== '' && hasSourceExtension(f) && !isTestFile(f))
      .filter((f) => !f.split('/').some((s) => skipped.test(s)));
  } finally {
    fs.rmSync(gitDir, { recursive: true, force: true });
  }
}

async function compareWithGit(dirs: string[]): Promise<number> {
  let differences = 0;
  for (const dir of dirs) {
    const listed = gitListed(dir);
    const result = await discover({ cwd: dir, paths: ['.'], ignore: [], includeTests: false });
    const ours = new Set([
      ...result.files.map((f) => path.relative(dir, f).split(path.sep).join('/')),
      ...result.skipped.map((n) => n.file ?? ''),
    ]);
    const theirs = new Set(listed);
    const onlyGit = listed.filter((f) => !ours.has(f));
    const onlyOurs = result.files
      .map((f) => path.relative(dir, f).split(path.sep).join('/'))
      .filter((f) => !theirs.has(f));
    const same = onlyGit.length === 0 && onlyOurs.length === 0;
    if (!same) differences++;
    process.stdout.write(
      `${same ? 'same as git' : 'DIFFERENT from git'}  ${dir}: ${result.files.length} files ` +
        `(+${result.skipped.length} skipped), git ${listed.length}\n`,
    );
    for (const f of onlyGit.slice(0, 20)) process.stdout.write(`  only git: ${f}\n`);
    for (const f of onlyOurs.slice(0, 20)) process.stdout.write(`  only discover: ${f}\n`);
  }
  return differences;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const git = argv.indexOf('--git');
  if (git !== -1) {
    argv.splice(git, 1);
    const differences = await compareWithGit(argv.map((d) => path.resolve(d)));
    process.exitCode = differences > 0 ? 1 : 0;
    return;
  }
  const at = argv.indexOf('--old');
  if (at === -1 || argv[at + 1] === undefined) {
    process.stderr.write('usage: discovery-diff.js (--old OLD/discover.js | --git) DIR [DIR...]\n');
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
