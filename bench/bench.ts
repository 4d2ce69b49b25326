/**
 * `npm run bench`: the full scan against the parse-only baseline (bench/parse-only.ts), each run in
 * its own process, interleaved (scan, [scan --jobs 1,] parse-only, scan, ...) so that drift in the
 * machine's speed hits every variant alike. Reports medians.
 *
 *   node dist/bench/bench.js                     # synthetic corpora of 1,000 and 10,000 files
 *   node dist/bench/bench.js ../some-checkout    # a real directory instead
 *   node dist/bench/bench.js --corpus a --corpus b+c/sub   # real checkouts; `+` joins paths
 *                                                # scanned together (one corpus, one process)
 *   options: --sizes 1000,10000  --runs 5 (10k and up default to 3)  --seed N
 *            --jobs default,1 (scan variants to run; default = the CLI's own choice, the only one
 *            by default)
 *            --walk    also parse-only plus a walk of every node (parse-only.ts --walk)
 *            --eslint  also ESLint 9 with one trivial rule on the same files (eslint-one-rule.ts)
 *            --json  --no-version
 *   The last results are also written to .bench/results.json and .bench/results.md.
 *
 * Wall, user+sys CPU and peak RSS come from GNU time (`/usr/bin/time -f`) when it exists, else from
 * `process.resourceUsage()` reported by the child itself through a preloaded hook
 * (bench/rusage-hook.ts). Peak RSS is the whole process, worker threads included.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCorpus, DEFAULT_SEED } from './corpus.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const repo = path.resolve(here, '../..');
const BIN = path.join(repo, 'bin/jwt-audit.js');
const PARSE_ONLY = path.join(here, 'parse-only.js');
const ESLINT = path.join(here, 'eslint-one-rule.js');
const HOOK = path.join(here, 'rusage-hook.js');
const BENCH_DIR = path.join(repo, '.bench');
const GNU_TIME = '/usr/bin/time';

interface Measure {
  wall: number;
  cpu: number;
  rssMb: number;
}

interface RunResult extends Measure {
  /** parse-only only: what it reports about itself. */
  report?: { files: number; lines: number; bytes: number; discoverMs: number; parseMs: number };
  /** eslint only: files it linted. */
  linted?: number;
  /** scan only: files the report says were scanned, and findings. */
  scanned?: number;
  findings?: number;
}

interface Variant {
  name: string;
  kind: 'scan' | 'parse' | 'eslint';
  args: string[];
}

interface Row {
  corpus: string;
  variant: string;
  runs: number;
  files: number;
  lines: number;
  wall: number;
  cpu: number;
  rssMb: number;
  filesPerS: number;
  linesPerS: number;
  /** wall and CPU relative to parse-only (medians). */
  ratioWall: number;
  ratioCpu: number;
  /**
   * Median of the per-round ratios (round i's scan over round i's parse-only, run next to each
   * other): steadier than the ratio of medians on a shared machine whose speed drifts.
   */
  pairedRatioWall: number;
  findings?: number;
  wallAll: number[];
}

/** What one corpus is: paths scanned together, from one working directory. */
interface Target {
  label: string;
  cwd: string;
  paths: string[];
  /** Expected file count (synthetic corpora), 0 when unknown. */
  files: number;
}

interface CorpusReport {
  corpus: string;
  dir: string;
  paths: string[];
  files: number;
  lines: number;
  rows: Row[];
  discoverMs: number;
  /** discovery median / default-scan wall median. */
  discoveryShare: number;
}

function hasGnuTime(): boolean {
  const r = spawnSync(GNU_TIME, ['-f', '%e', 'true'], { encoding: 'utf8' });
  return r.status === 0 && /^\d+(\.\d+)?\s*$/.test(r.stderr.trim());
}

const useGnuTime = hasGnuTime();

function measure(args: string[], cwd: string): { m: Measure; stdout: string } {
  const tmp = path.join(os.tmpdir(), `jwt-audit-bench-${process.pid}.txt`);
  fs.rmSync(tmp, { force: true });
  let r: import('node:child_process').SpawnSyncReturns<string>;
  const start = process.hrtime.bigint();
  if (useGnuTime) {
    r = spawnSync(GNU_TIME, ['-f', '%e %U %S %M', '-o', tmp, process.execPath, ...args], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  } else {
    r = spawnSync(process.execPath, ['--import', HOOK, ...args], {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, JWT_AUDIT_BENCH_RUSAGE: tmp },
    });
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const text = fs.readFileSync(tmp, 'utf8').trim().split('\n').pop() ?? '';
  fs.rmSync(tmp, { force: true });
  if (useGnuTime) {
    const [e, u, s, kb] = text.split(' ').map(Number);
    return { m: { wall: e, cpu: u + s, rssMb: kb / 1024 }, stdout: r.stdout };
  }
  const usage = JSON.parse(text) as { userCPUTime: number; systemCPUTime: number; maxRSS: number };
  return {
    m: {
      wall: elapsed,
      cpu: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      rssMb: usage.maxRSS / 1024,
    },
    stdout: r.stdout,
  };
}

function runVariant(v: Variant, t: Target): RunResult {
  const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
  if (v.kind === 'parse') {
    const { m, stdout } = measure([PARSE_ONLY, ...v.args, ...t.paths], t.cwd);
    return { ...m, report: last(stdout) };
  }
  if (v.kind === 'eslint') {
    const { m, stdout } = measure([ESLINT, ...t.paths], t.cwd);
    return { ...m, linted: (last(stdout) as { linted: number }).linted };
  }
  const out = path.join(os.tmpdir(), `jwt-audit-bench-${process.pid}.json`);
  const { m } = measure(
    [
      BIN,
      'scan',
      ...t.paths,
      '--format',
      'json',
      '--fail-on',
      'none',
      '--quiet',
      '--output',
      out,
      ...v.args,
    ],
    t.cwd,
  );
  const report = JSON.parse(fs.readFileSync(out, 'utf8')) as {
    summary: { filesScanned: number; findings: number };
  };
  fs.rmSync(out, { force: true });
  return { ...m, scanned: report.summary.filesScanned, findings: report.summary.findings };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function benchDir(
  t: Target,
  runs: number,
  variants: Variant[],
  log: (s: string) => void,
): CorpusReport {
  const label = t.label;
  log(`${label}: warm-up (parse-only, fills the file cache)...`);
  runVariant(variants.find((v) => v.name === 'parse-only')!, t);
  const results = new Map<string, RunResult[]>(variants.map((v) => [v.name, []]));
  for (let i = 0; i < runs; i++) {
    for (const v of variants) {
      const r = runVariant(v, t);
      results.get(v.name)!.push(r);
      log(
        `${label} run ${i + 1}/${runs} ${v.name}: ${r.wall.toFixed(2)} s wall, ` +
          `${r.cpu.toFixed(2)} s CPU, ${r.rssMb.toFixed(0)} MB`,
      );
    }
  }
  const base = results.get('parse-only')!;
  const files = base[0].report!.files;
  const lines = base[0].report!.lines;
  const baseWall = median(base.map((r) => r.wall));
  const baseCpu = median(base.map((r) => r.cpu));
  const rows: Row[] = variants.map((v) => {
    const rs = results.get(v.name)!;
    if (v.kind === 'scan' && rs.some((r) => r.scanned !== files))
      throw new Error(
        `${v.name} scanned ${rs[0].scanned} files, parse-only ${files}: not the same file list`,
      );
    if (v.kind === 'eslint' && rs.some((r) => r.linted !== files))
      throw new Error(`ESLint linted ${rs[0].linted} files, parse-only ${files}`);
    if (v.kind === 'parse' && rs.some((r) => r.report?.files !== files))
      throw new Error(`${v.name} parsed ${rs[0].report?.files} files, parse-only ${files}`);
    const wall = median(rs.map((r) => r.wall));
    const cpu = median(rs.map((r) => r.cpu));
    return {
      corpus: label,
      variant: v.name,
      runs: rs.length,
      files,
      lines,
      wall,
      cpu,
      rssMb: median(rs.map((r) => r.rssMb)),
      filesPerS: files / wall,
      linesPerS: lines / wall,
      ratioWall: wall / baseWall,
      ratioCpu: cpu / baseCpu,
      pairedRatioWall: median(rs.map((r, i) => r.wall / base[i].wall)),
      findings: rs[0].findings,
      wallAll: rs.map((r) => r.wall),
    };
  });
  const discoverMs = median(base.map((r) => r.report!.discoverMs));
  const scanWall = rows.find((r) => r.variant === variants[0].name)!.wall;
  return {
    corpus: label,
    dir: t.cwd,
    paths: t.paths,
    files,
    lines,
    rows,
    discoverMs,
    discoveryShare: discoverMs / 1000 / scanWall,
  };
}

function versionTime(n: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(measure([BIN, '--version'], repo).m.wall);
  return times;
}

function markdown(reports: CorpusReport[], version: number[] | null): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const k = (x: number) =>
    x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : x >= 1e3 ? `${(x / 1e3).toFixed(1)} k` : x.toFixed(0);
  const ratio = (row: Row, x: number) => (row.variant === 'parse-only' ? '1.00' : f(x));
  const out = [
    `Node ${process.version}, ${os.availableParallelism()} cores ` +
      `(${os.cpus()[0]?.model ?? 'unknown CPU'}), medians; ` +
      `timer: ${useGnuTime ? 'GNU time' : 'process.resourceUsage()'}.`,
    '',
    '| corpus | variant | runs | files | lines | wall s | CPU s | peak RSS MB | ' +
      'files/s | lines/s | scan / parse-only (wall) | (CPU) | (wall, paired) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of reports) {
    for (const row of r.rows) {
      out.push(
        `| ${row.corpus} | ${row.variant} | ${row.runs} | ${row.files} | ${k(row.lines)} | ` +
          `${f(row.wall)} | ${f(row.cpu)} | ${f(row.rssMb, 0)} | ${f(row.filesPerS, 0)} | ` +
          `${k(row.linesPerS)} | ${ratio(row, row.ratioWall)} | ${ratio(row, row.ratioCpu)} | ` +
          `${ratio(row, row.pairedRatioWall)} |`,
      );
    }
  }
  out.push('');
  for (const r of reports)
    out.push(
      `- ${r.corpus}: discovery ${f(r.discoverMs, 0)} ms = ` +
        `${f(r.discoveryShare * 100, 1)}% of the default scan's wall time; ` +
        `peak RSS per 1k files ${f(r.rows[0].rssMb / (r.files / 1000), 0)} MB.`,
    );
  for (const r of reports) {
    const scan = r.rows[0];
    const eslint = r.rows.find((row) => row.variant === 'eslint one-rule');
    if (!eslint) continue;
    const paired = median(eslint.wallAll.map((w, i) => w / scan.wallAll[i]));
    out.push(
      `- ${r.corpus}: ESLint one-rule / ${scan.variant} = ` +
        `${f(eslint.wall / scan.wall)} (wall medians), ${f(paired)} paired.`,
    );
  }
  if (version)
    out.push(
      `- \`jwt-audit --version\`: ${f(median(version), 3)} s wall (median of ${version.length}).`,
    );
  return `${out.join('\n')}\n`;
}

/**
 * `--corpus a+b/c`: the paths scanned together, run from their deepest common directory (so that
 * the scan, parse-only and ESLint get the same relative paths and the same file list).
 */
function corpusTarget(spec: string): Target {
  const absolute = spec.split('+').map((p) => path.resolve(p));
  for (const p of absolute) if (!fs.existsSync(p)) throw new Error(`--corpus: ${p} does not exist`);
  let cwd = absolute.length === 1 ? absolute[0] : path.dirname(absolute[0]);
  while (!absolute.every((p) => p === cwd || p.startsWith(`${cwd}${path.sep}`)))
    cwd = path.dirname(cwd);
  const paths = absolute.map((p) => path.relative(cwd, p) || '.');
  const label = absolute.length === 1 ? path.basename(cwd) : paths.join(' + ');
  return { label, cwd, paths, files: 0 };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    if (i === -1) return undefined;
    const v = argv[i + 1];
    argv.splice(i, 2);
    return v;
  };
  const flag = (name: string): boolean => {
    const i = argv.indexOf(name);
    if (i === -1) return false;
    argv.splice(i, 1);
    return true;
  };
  const json = flag('--json');
  const noVersion = flag('--no-version');
  const sizes = (opt('--sizes') ?? '1000,10000').split(',').map(Number);
  const runsOpt = opt('--runs');
  const seed = Number(opt('--seed') ?? DEFAULT_SEED);
  const jobs = (opt('--jobs') ?? 'default').split(',');
  const corpora: string[] = [];
  for (let c = opt('--corpus'); c !== undefined; c = opt('--corpus')) corpora.push(c);
  const walk = flag('--walk');
  const eslint = flag('--eslint');
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const variants: Variant[] = [
    ...jobs.map(
      (j): Variant => ({
        name: j === 'default' ? 'scan' : `scan --jobs ${j}`,
        kind: 'scan',
        args: j === 'default' ? [] : ['--jobs', j],
      }),
    ),
    { name: 'parse-only', kind: 'parse', args: [] },
    ...(walk ? [{ name: 'parse + walk', kind: 'parse', args: ['--walk'] } as Variant] : []),
    ...(eslint ? [{ name: 'eslint one-rule', kind: 'eslint', args: [] } as Variant] : []),
  ];
  const targets: Target[] = [];
  for (const spec of corpora) targets.push(corpusTarget(spec));
  for (const d of argv)
    targets.push({
      label: path.basename(path.resolve(d)),
      cwd: path.resolve(d),
      paths: ['.'],
      files: 0,
    });
  if (targets.length === 0) {
    for (const n of sizes) {
      const { dir, manifest } = ensureCorpus(BENCH_DIR, n, seed, log);
      targets.push({
        label: `synthetic ${n >= 1000 ? `${n / 1000}k` : n}`,
        cwd: dir,
        paths: ['.'],
        files: manifest.files,
      });
    }
  }
  const reports: CorpusReport[] = [];
  for (const t of targets) {
    const runs = runsOpt !== undefined ? Number(runsOpt) : t.files >= 5000 ? 3 : 5;
    reports.push(benchDir(t, runs, variants, log));
  }
  const version = noVersion ? null : versionTime(10);
  const data = JSON.stringify(
    {
      node: process.version,
      cores: os.availableParallelism(),
      timer: useGnuTime ? 'gnu-time' : 'resourceUsage',
      reports,
      versionWall: version && { median: median(version), all: version },
    },
    null,
    2,
  );
  fs.mkdirSync(BENCH_DIR, { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), `${data}\n`);
  fs.writeFileSync(path.join(BENCH_DIR, 'results.md'), markdown(reports, version));
  if (json) process.stdout.write(`${data}\n`);
  else process.stdout.write(markdown(reports, version));
}

await main();
