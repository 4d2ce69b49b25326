/**
 * Discovery options compared on one tree (default: the 10k synthetic corpus, which has a root
 * .gitignore, a nested one in every tenth package, a node_modules/ and ignored output):
 *
 *   engine discover()                  src/discover.ts: one descent, each .gitignore read on
 *                                      entering its directory (+ file sniffing)
 *   globby gitignore:true              globby's own .gitignore handling
 *   globby ignoreFiles **\/.gitignore  the generic form of the same
 *   globby ignoreFiles .gitignore      root file only (NOT equivalent: misses nested files)
 *   globby no gitignore                ALWAYS_IGNORED only: the cost of walking alone
 *   readdir recursive                  fs.readdirSync walk pruning ALWAYS_IGNORED dirs, no
 *                                      .gitignore (floor)
 *
 * Each in the same process, 1 warm-up + N runs (median). The file set each returns (source files,
 * tests excluded) is compared with the engine's.
 *
 *   node dist/bench/discovery.js [DIR] [--runs 5]
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { globby } from 'globby';
import { discover, hasSourceExtension, isTestFile, ALWAYS_IGNORED } from '../src/discover.js';

const here = path.dirname(fileURLToPath(import.meta.url));

type Lister = (dir: string) => Promise<string[]>;

const sources = (dir: string, files: string[]) =>
  files
    .filter((f) => hasSourceExtension(f) && !isTestFile(path.relative(dir, f)))
    .map((f) => path.normalize(f));

const globbyWith =
  (extra: Record<string, unknown>): Lister =>
  async (dir) =>
    sources(
      dir,
      await globby('**/*', {
        cwd: dir,
        absolute: true,
        onlyFiles: true,
        followSymbolicLinks: false,
        expandDirectories: false,
        ignore: ALWAYS_IGNORED,
        ...extra,
      }),
    );

const PRUNE = new Set(['node_modules', 'dist', 'build', 'coverage', '.next', '.git']);
const readdirWalk: Lister = async (dir) => {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (!PRUNE.has(e.name)) stack.push(p);
      } else if (e.isFile()) out.push(p);
    }
  }
  return sources(dir, out);
};

export const LISTERS: Record<string, Lister> = {
  'engine discover()': async (dir) =>
    (await discover({ cwd: dir, paths: ['.'], ignore: [], includeTests: false })).files,
  'globby gitignore:true': globbyWith({ gitignore: true }),
  "globby ignoreFiles '**/.gitignore'": globbyWith({ ignoreFiles: '**/.gitignore' }),
  "globby ignoreFiles '.gitignore' (root only)": globbyWith({ ignoreFiles: '.gitignore' }),
  'globby, no .gitignore': globbyWith({}),
  'readdir recursive, no .gitignore': readdirWalk,
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const ri = args.indexOf('--runs');
  const runs = ri === -1 ? 5 : Number(args.splice(ri, 2)[1]);
  const dir = path.resolve(args[0] ?? path.join(here, '../../.bench/corpus-10000'));
  const reference = new Set(await LISTERS['engine discover()'](dir));
  const out = [
    `discovery on ${dir} (${reference.size} files by the engine), ` +
      `median of ${runs} runs after a warm-up`,
    '',
    '| method | ms | files | missing vs engine | extra vs engine |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const [name, list] of Object.entries(LISTERS)) {
    const got = await list(dir); // warm-up
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await list(dir);
      times.push(performance.now() - t);
    }
    const set = new Set(got);
    const missing = [...reference].filter((f) => !set.has(f)).length;
    const extra = got.filter((f) => !reference.has(f));
    out.push(
      `| ${name} | ${median(times).toFixed(0)} | ${got.length} | ${missing} | ${extra.length}` +
        `${extra.length ? ` (e.g. ${path.relative(dir, extra[0])})` : ''} |`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
