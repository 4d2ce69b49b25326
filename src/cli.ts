/**
 * The command line: the only module that reads argv, writes to stdout/stderr, writes report files
 * and decides the exit code (0: nothing at or above --fail-on, 1: findings, 2: the run failed).
 *
 * Loading is lazy: `--version`, `--help`, `rules` and `explain` never load the engine (ts-morph
 * takes ~300 ms to import); only `scan` and `inventory` import `./scan.js`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { loadConfig } from './config.js';
import { UsageError } from './errors.js';
import type { JwtAuditConfig } from './config.js';
import type { RuleMeta, ScanResult, Severity } from './types.js';
import { SEVERITY_RANK } from './types.js';

/** Where the CLI talks to; tests and embedders can capture it. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  /** stderr is a terminal: a progress line may be drawn there. */
  stderrIsTTY?: boolean;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

const FAIL_ON = ['error', 'warning', 'note', 'none'] as const;
type FailOn = (typeof FAIL_ON)[number];

interface CommonOptions {
  format: string;
  output?: string;
  config?: string;
  ignore?: string[];
  color: boolean;
  quiet?: boolean;
  includeTests?: boolean;
  debug?: boolean;
  jobs?: number;
}

interface ScanCommandOptions extends CommonOptions {
  failOn: FailOn;
  rule?: string[];
  disable?: string[];
  baseline?: string;
  since?: string;
  includeSuppressed?: boolean;
}

/**
 * Runs the CLI with `argv` as in `process.argv` (node, script, args...) and returns the exit code.
 */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  const debug = argv.includes('--debug');
  let exitCode = EXIT_OK;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    return reportError(error, io, debug);
  }
}

function reportError(error: unknown, io: CliIO, debug: boolean): number {
  if (error instanceof CommanderError) {
    // help and version end here too, successfully
    if (error.exitCode === 0) return EXIT_OK;
    if (error.code === 'commander.help' || error.code === 'commander.executeSubCommandAsync') {
      io.stderr(
        `jwt-audit: no command given. Run "jwt-audit scan [paths...]", or "jwt-audit --help" for all commands\n`,
      );
      return EXIT_FAILURE;
    }
    const text = oneLine(error.message.replace(/^error:\s*/i, ''));
    io.stderr(`jwt-audit: ${withPeriod(text)} Run "jwt-audit --help" for usage\n`);
    return EXIT_FAILURE;
  }
  if (error instanceof UsageError) {
    io.stderr(`jwt-audit: ${withPeriod(oneLine(error.message))}\n`);
    if (debug && error.stack) io.stderr(`${error.stack}\n`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(
    `jwt-audit: internal error: ${withPeriod(oneLine(message))} ${debug ? 'Stack trace follows' : 'Re-run with --debug for the stack trace, and please report it'}\n`,
  );
  if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
  return EXIT_FAILURE;
}

function oneLine(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ')
    .replace(/\s+/g, ' ');
}

function withPeriod(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command('jwt-audit');
  program
    .description(
      'Find JWT authentication failures that leave no trace: unlogged verification failures, unwatched refreshes, unlogged revoked-token use, unthrottled auth endpoints.',
    )
    .version(readVersion(), '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--debug', 'show stack traces for errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      // Only the help shown for a missing command goes to writeErr: reportError prints one line
      // instead.
      writeErr: () => {},
      // Commander's own errors are rethrown by exitOverride and printed as one line by reportError.
      outputError: () => {},
    });
  const sub = (name: string): Command =>
    program
      .command(name)
      .exitOverride()
      .configureOutput({
        writeOut: (text) => io.stdout(text),
        writeErr: () => {},
        outputError: () => {},
      })
      .option('--debug', 'show stack traces for errors');

  const collect = (value: string, previous: string[] | undefined): string[] => [
    ...(previous ?? []),
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  ];
  const jobs = (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--jobs "${value}" is not a positive whole number. Pass e.g. --jobs 2`);
    return n;
  };

  sub('scan')
    .description('scan files and directories for JWT logging and monitoring failures')
    .argument('[paths...]', 'files or directories to scan', ['.'])
    .option('-f, --format <format>', 'report format: text, json, sarif, github, html', 'text')
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'lowest severity that fails the run')
        .choices(FAIL_ON)
        .default('warning'),
    )
    .option(
      '-c, --config <file>',
      'config file (default: .jwt-audit.json or package.json "jwt-audit" at the scan root)',
    )
    .option('--rule <id...>', 'run only these rules (repeat or separate with commas)', collect)
    .option('--disable <id...>', 'skip these rules (repeat or separate with commas)', collect)
    .option('--baseline <file>', 'a previous json or sarif report: report only findings not in it')
    .option(
      '--ignore <glob...>',
      'extra ignore globs (.gitignore syntax, relative to the working directory)',
      collect,
    )
    .option('--no-color', 'no colours in text output')
    .option('--quiet', 'print only findings and errors, no summary')
    .option('--since <git-ref>', 'report only findings on lines changed since this git ref')
    .option('--include-suppressed', 'also report findings silenced by inline directives')
    .option('--include-tests', 'also scan test files (*.test.*, *.spec.*, __tests__/, __mocks__/)')
    .option(
      '--jobs <n>',
      'worker threads (default: by source size and idle cores; same output for any value)',
      jobs,
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      setExitCode(await scanCommand(paths, options, io));
    });

  sub('inventory')
    .description(
      'list what the analysis recognised: auth routes and their limiters, verify sites, denylist checks, monitors',
    )
    .argument('[paths...]', 'files or directories to scan', ['.'])
    .addOption(
      new Option('-f, --format <format>', 'text or json').choices(['text', 'json']).default('text'),
    )
    .option('-o, --output <file>', 'write the inventory to this file instead of stdout')
    .option('-c, --config <file>', 'config file')
    .option('--ignore <glob...>', 'extra ignore globs', collect)
    .option('--no-color', 'no colours')
    .option('--quiet', 'no summary line')
    .option('--include-tests', 'also scan test files')
    .option(
      '--jobs <n>',
      'worker threads for parsing (default: by source size and idle cores)',
      jobs,
    )
    .action(async (paths: string[], options: CommonOptions) => {
      setExitCode(await inventoryCommand(paths, options, io));
    });

  sub('rules')
    .description('list the rules')
    .action(async () => {
      const { RULES } = await loadRules();
      io.stdout(renderRulesTable(Object.values(RULES).map((rule) => rule.meta)));
      setExitCode(EXIT_OK);
    });

  sub('explain')
    .description("print a rule's help: why it matters, how to fix it, examples")
    .argument('<rule-id>', 'the rule id, as listed by "jwt-audit rules"')
    .action(async (ruleId: string) => {
      const { RULES } = await loadRules();
      const rule = (RULES as Record<string, { meta: RuleMeta } | undefined>)[ruleId];
      if (!rule)
        throw new UsageError(
          `unknown rule "${ruleId}". Known rules: ${Object.keys(RULES).join(', ')}`,
        );
      const { renderHelpMarkdown } = await import('./rule-help.js');
      const text = renderHelpMarkdown(rule.meta);
      io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      setExitCode(EXIT_OK);
    });

  return program;
}

async function loadRules(): Promise<{ RULES: Record<string, { meta: RuleMeta }> }> {
  const mod = await import('../rules/index.js');
  return { RULES: mod.RULES as unknown as Record<string, { meta: RuleMeta }> };
}

function readVersion(): string {
  const pkg = JSON.parse(
    fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return pkg.version;
}

/** What scan and inventory share: config, discovery, the engine. */
async function runEngine(
  paths: string[],
  options: CommonOptions &
    Partial<Pick<ScanCommandOptions, 'rule' | 'disable' | 'includeSuppressed'>>,
  io: CliIO,
): Promise<{ result: ScanResult; config: JwtAuditConfig }> {
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
      repoRoot: findGitRoot(cwd) ?? cwd,
      readFile: readSource,
      config,
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
    result: { ...result, timing: { startTimeUtc, endTimeUtc: new Date().toISOString() } },
    config,
  };
}

/**
 * Reads scanned files again for the HTML report's excerpts (decoded as the scan decoded them), once
 * each.
 */
async function sourceLineReader(cwd: string): Promise<(file: string) => string[] | undefined> {
  const { readSource } = await import('./read-source.js');
  const cache = new Map<string, string[] | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      try {
        cache.set(file, readSource(path.resolve(cwd, file)).split(/\r\n|\r|\n/));
      } catch {
        cache.set(file, undefined);
      }
    }
    return cache.get(file);
  };
}

async function scanCommand(
  paths: string[],
  options: ScanCommandOptions,
  io: CliIO,
): Promise<number> {
  const { REPORTERS } = await import('./reporters/index.js');
  const reporters = REPORTERS as unknown as Record<
    string,
    (result: ScanResult, options: import('./reporters/index.js').ReporterOptions) => string
  >;
  if (!Object.hasOwn(reporters, options.format)) {
    throw new UsageError(
      `unknown format "${options.format}". Use one of: ${Object.keys(reporters).join(', ')}`,
    );
  }
  const baselineFile =
    options.baseline === undefined ? undefined : path.resolve(io.cwd, options.baseline);
  let baselineText: string | undefined;
  if (baselineFile !== undefined) {
    try {
      baselineText = fs.readFileSync(baselineFile, 'utf8');
    } catch (error) {
      throw new UsageError(
        `cannot read baseline "${options.baseline}" (${errorCode(error)}). Pass a report written by an earlier "jwt-audit scan --format json|sarif"`,
      );
    }
  }
  // Validate --since before the (slow) scan.
  let changed: import('./since.js').ChangedLines | undefined;
  if (options.since !== undefined) {
    const { changedLinesSince } = await import('./since.js');
    changed = changedLinesSince(options.since, io.cwd);
  }
  let fingerprints: import('./baseline.js').BaselineCounts | undefined;
  if (baselineText !== undefined) {
    const { readBaselineFingerprints } = await import('./baseline.js');
    fingerprints = readBaselineFingerprints(baselineText, options.baseline ?? '');
  }

  let { result } = await runEngine(paths, options, io);
  if (fingerprints !== undefined) {
    const { applyBaseline } = await import('./baseline.js');
    result = applyBaseline(result, fingerprints);
  }
  if (changed !== undefined) {
    const { filterToChangedLines } = await import('./since.js');
    result = filterToChangedLines(result, changed, realpathOr(io.cwd));
  }

  const color = useColor(options, io);
  const reporterOptions = {
    color,
    cwd: io.cwd,
    quiet: options.quiet === true,
    sourceLines: options.format === 'html' ? await sourceLineReader(io.cwd) : undefined,
  };
  const report = reporters[options.format](result, reporterOptions);
  emit(report, options.output, io);

  if (options.format === 'github' && io.env.GITHUB_STEP_SUMMARY) {
    const github = (await import('./reporters/github.js')) as unknown as Record<string, unknown>;
    if (typeof github.renderStepSummary === 'function') {
      const summary = (github.renderStepSummary as (r: ScanResult) => string)(result);
      try {
        fs.appendFileSync(
          io.env.GITHUB_STEP_SUMMARY,
          summary.endsWith('\n') ? summary : `${summary}\n`,
        );
      } catch (error) {
        throw new UsageError(
          `cannot append to GITHUB_STEP_SUMMARY (${errorCode(error)}). Check the variable points to a writable file`,
        );
      }
    }
  }

  const failing = countAtOrAbove(result, options.failOn);
  if (options.output !== undefined && !options.quiet) {
    io.stderr(`jwt-audit: ${describeCounts(result)} written to ${options.output}\n`);
  }
  // A partial result must not pass CI: an internal error in a rule or file fails the run.
  const internal = result.notices.filter((n) => n.kind === 'rule-error');
  if (internal.length > 0) {
    const first = internal[0];
    const where = first.file ? ` on ${first.file}${first.line ? `:${first.line}` : ''}` : '';
    io.stderr(
      `jwt-audit: the result is incomplete: ${first.ruleId ? `rule ${first.ruleId}` : 'the analysis'} failed${where} (${internal.length} internal error${internal.length === 1 ? '' : 's'}, listed in the report). Re-run with --debug and please report it\n`,
    );
    return EXIT_FAILURE;
  }
  return failing > 0 ? EXIT_FINDINGS : EXIT_OK;
}

async function inventoryCommand(
  paths: string[],
  options: CommonOptions,
  io: CliIO,
): Promise<number> {
  const { result } = await runEngine(paths, options, io);
  const { renderInventory } = await import('./reporters/inventory.js');
  const report = renderInventory(result.inventory, {
    format: options.format as 'text' | 'json',
    quiet: options.quiet === true,
  });
  emit(report, options.output, io);
  return EXIT_OK;
}

/** Number of unsuppressed findings at or above the --fail-on severity. */
export function countAtOrAbove(result: ScanResult, failOn: FailOn): number {
  if (failOn === 'none') return 0;
  const threshold = SEVERITY_RANK[failOn];
  return result.findings.filter((f) => !f.suppression && SEVERITY_RANK[f.severity] >= threshold)
    .length;
}

function describeCounts(result: ScanResult): string {
  const counts = (['error', 'warning', 'note'] as Severity[])
    .map(
      (s) => [s, result.findings.filter((f) => !f.suppression && f.severity === s).length] as const,
    )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`);
  return counts.length === 0 ? 'no findings' : counts.join(', ');
}

/** Colour only on a TTY, never with --no-color, NO_COLOR, or when writing to a file. */
function useColor(options: CommonOptions, io: CliIO): boolean {
  if (options.color === false || options.output !== undefined) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdoutIsTTY;
}

/**
 * Writes the report to stdout, or atomically to a file: temp file in the same directory, then
 * rename.
 */
function emit(report: string, output: string | undefined, io: CliIO): void {
  const text = report.endsWith('\n') || report === '' ? report : `${report}\n`;
  if (output === undefined) {
    io.stdout(text);
    return;
  }
  const target = path.resolve(io.cwd, output);
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`,
  );
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // the directory itself may be unwritable: nothing was created then
    }
    throw new UsageError(
      `cannot write output file "${output}" (${errorCode(error)}). Choose a writable path with --output`,
    );
  }
}

export function renderRulesTable(metas: RuleMeta[]): string {
  const rows = metas.map((m) => [m.id, m.level, m.description]);
  const header = ['RULE', 'DEFAULT', 'DESCRIPTION'];
  const widths = [0, 1].map((c) => Math.max(header[c].length, ...rows.map((r) => r[c].length)));
  const line = (r: string[]): string =>
    `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`.trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/**
 * Config `ignore` globs are relative to the directory of the config file; discovery takes them
 * relative to the working directory.
 */
export function rebaseConfigIgnores(
  patterns: string[],
  source: string | null,
  cwd: string,
): string[] {
  if (source === null) return patterns;
  const prefix = path.relative(cwd, path.dirname(source)).split(path.sep).join('/');
  if (prefix === '' || prefix.startsWith('..') || path.isAbsolute(prefix)) return patterns;
  return patterns.map((pattern) => {
    const dirOnly = pattern.endsWith('/');
    const body = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
    const anchored = body.includes('/');
    return `${prefix}/${anchored ? body.replace(/^\/+/, '') : `**/${body}`}${dirOnly ? '/' : ''}`;
  });
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}

function errorCode(error: unknown): string {
  return (
    (error as NodeJS.ErrnoException)?.code ??
    (error instanceof Error ? error.message : String(error))
  );
}
