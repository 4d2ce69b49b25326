/**
 * What `scan`, `inventory` and `--print-config` share: the config for the scanned paths, discovery,
 * the worker policy and the engine run. Talks only through the CliIO it is given (progress on
 * stderr); the CLI decides what is printed and the exit code.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './config.js';
import type { JwtAuditConfig } from './config.js';
import { applyOverrides, engineConfig } from './overrides.js';
import { UsageError } from './errors.js';
import type { RuleMeta, ScanResult } from './types.js';
import { isDirectory, rebaseConfigIgnores } from './cli-files.js';
import type { CliIO, CommonOptions, ScanCommandOptions } from './cli-io.js';

export async function loadRules(): Promise<{ RULES: Record<string, { meta: RuleMeta }> }> {
  const mod = await import('../rules/index.js');
  return { RULES: mod.RULES as unknown as Record<string, { meta: RuleMeta }> };
}

/** What scan and inventory share: config, discovery, the engine. */
export async function runEngine(
  paths: string[],
  options: CommonOptions &
    Partial<Pick<ScanCommandOptions, 'rule' | 'disable' | 'includeSuppressed'>>,
  io: CliIO,
): Promise<{ result: ScanResult; config: JwtAuditConfig }> {
  const cwd = io.cwd;
  const { config, source } = await loadScanConfig(paths, options, io);
  const { discover, findGitRoot } = await import('./discover.js');
  // An explicit --jobs N is taken at its word, its workers started while discovery lists files
  // (their parser loads meanwhile). Otherwise the thread count follows the bytes to scan and the
  // idle cores (defaultThreads), known once discovery is done.
  const { startWorkers, defaultThreads } = await import('./worker-pool.js');
  let pool: ReturnType<typeof startWorkers> | undefined;
  const startEarly = (seen: number) => {
    if (options.jobs !== undefined && options.jobs > 1 && seen >= options.jobs && !pool)
      pool = startWorkers(options.jobs - 1);
  };
  const discovered = await discover({
    cwd,
    paths,
    ignore: [...rebaseConfigIgnores(config.ignore, source, cwd), ...(options.ignore ?? [])],
    includeTests: options.includeTests === true,
    onSourcesSeen: startEarly,
  }).catch((error: unknown) => {
    pool?.stop(); // started workers would keep the process alive
    throw error;
  });
  const { scan } = await import('./scan.js');
  const { readSource } = await import('./read-source.js');
  const startTimeUtc = new Date().toISOString();
  const jobs =
    options.jobs ??
    defaultThreads(discovered.bytes, os.availableParallelism(), os.loadavg()[0], os.cpus().length);
  const parallel = jobs > 1 && discovered.files.length >= jobs;
  if (!parallel) pool?.stop();
  const engine = parallel
    ? (o: Parameters<typeof scan>[0], n: number) =>
        import('./parallel.js').then((m) => m.scanParallel(o, n, pool))
    : async (o: Parameters<typeof scan>[0]) => scan(o);
  const { createProgress, progressWanted } = await import('./progress.js');
  const progress = createProgress(
    io.stderr,
    progressWanted(io.stderrIsTTY === true, io.env, options.quiet === true),
  );
  const result = await engine(
    {
      files: discovered.files,
      cwd,
      // URIs are relative to the repository of what is scanned, which need not be cwd's
      repoRoot: findGitRoot(scannedFolder(paths, cwd)) ?? findGitRoot(cwd) ?? cwd,
      readFile: readSource,
      config: engineConfig(config),
      only: options.rule,
      disable: options.disable,
      includeSuppressed: options.includeSuppressed === true,
      skipped: discovered.skipped,
      testFilesSkipped: discovered.testFilesSkipped,
      onProgress: progress.update,
    },
    jobs,
  );
  progress.done();
  return {
    result: applyOverrides(
      { ...result, timing: { startTimeUtc, endTimeUtc: new Date().toISOString() } },
      config,
      cwd,
    ),
    config,
  };
}

/** The config for a scan of `paths`, with --rule and --disable checked against the registry. */
export async function loadScanConfig(
  paths: string[],
  options: Pick<ScanCommandOptions, 'config' | 'rule' | 'disable'>,
  io: CliIO,
): Promise<{ config: JwtAuditConfig; source: string | null; ruleIds: string[] }> {
  const { RULES } = await loadRules();
  const ruleIds = Object.keys(RULES);
  const cwd = io.cwd;
  for (const [flag, ids] of [
    ['--rule', options.rule],
    ['--disable', options.disable],
  ] as const) {
    for (const id of ids ?? []) {
      if (!ruleIds.includes(id))
        throw new UsageError(
          `unknown rule "${id}" in ${flag}. Run "jwt-audit rules" to list the rule ids`,
        );
    }
  }
  const scanRoot = paths.length === 1 && isDirectory(path.resolve(cwd, paths[0])) ? paths[0] : '.';
  const { config, source } = loadConfig({
    cwd,
    scanRoot,
    configPath: options.config,
    readFile: (file) => fs.readFileSync(file, 'utf8'),
    exists: (file) => fs.existsSync(file),
    knownRuleIds: ruleIds,
  });
  return { config, source, ruleIds };
}

/**
 * The folder a scan is of: the deepest folder holding every path (a file counts as its folder).
 * It names the HTML report and decides the repository SARIF URIs are relative to.
 */
export function scannedFolder(paths: string[], cwd: string): string {
  const folders = (paths.length > 0 ? paths : ['.']).map((p) => {
    const absolute = path.resolve(cwd, p);
    return isDirectory(absolute) ? absolute : path.dirname(absolute);
  });
  let common = folders[0];
  for (const folder of folders.slice(1)) {
    while (
      path.relative(common, folder).startsWith('..') ||
      path.isAbsolute(path.relative(common, folder))
    )
      common = path.dirname(common);
  }
  return common;
}
