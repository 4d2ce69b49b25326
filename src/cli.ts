/**
 * The command line: the only module that reads argv, writes to stdout/stderr, writes report files
 * and decides the exit code (0: nothing at or above --fail-on, 1: findings, 2: the run failed).
 *
 * Loading is lazy: `--version`, `--help`, `rules` and `explain` never load the engine (ts-morph
 * takes ~300 ms to import); only `scan` and `inventory` import `./scan.js`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { rulesForFile } from './config.js';
import { UsageError, errorCode } from './errors.js';
import type { ScanResult, Severity } from './types.js';
import { SEVERITY_RANK } from './types.js';
import { VERSION } from './version.js';
import { closest } from './suggest.js';
import { INIT_FILES } from './init-files.js';
import { ensureDirectory, realpathOr } from './cli-files.js';
import { renderRulesTable } from './rules-table.js';
import {
  FAIL_ON,
  processIO,
  type CliIO,
  type CommonOptions,
  type FailOn,
  type ScanCommandOptions,
} from './cli-io.js';
import { loadRules, loadScanConfig, runEngine, scannedFolder } from './engine-run.js';

export { processIO, type CliIO };

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_FAILURE = 2;

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
        'jwt-audit: no command given. ' +
          `Run "jwt-audit scan [paths...]", or "jwt-audit --help" for all commands\n`,
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
  const next = debug
    ? 'Stack trace follows'
    : 'Re-run with --debug for the stack trace, and please report it';
  io.stderr(`jwt-audit: internal error: ${withPeriod(oneLine(message))} ${next}\n`);
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
      'Find JWT authentication failures that leave no trace: unlogged verification ' +
        'failures, unwatched refreshes, unlogged revoked-token use, unthrottled auth ' +
        'endpoints.',
    )
    .version(VERSION, '-v, --version', 'print the version')
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
  const maxWarnings = (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < 0)
      throw new UsageError(
        `--max-warnings "${value}" is not a whole number of 0 or more. Pass e.g. --max-warnings 10`,
      );
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
    .option(
      '--max-warnings <n>',
      'fail (exit 1) when there are more than n warnings, whatever --fail-on says',
      maxWarnings,
    )
    .option(
      '--print-config <file>',
      'print the configuration that applies to this file (after overrides) and exit',
    )
    .action(async (paths: string[], options: ScanCommandOptions) => {
      setExitCode(
        options.printConfig !== undefined
          ? await printConfigCommand(paths, options, io)
          : await scanCommand(paths, options, io),
      );
    });

  sub('inventory')
    .description(
      'list what the analysis recognised: auth routes and their limiters, verify sites, ' +
        'denylist checks, monitors',
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
      const rule = Object.hasOwn(RULES, ruleId) ? RULES[ruleId] : undefined;
      if (!rule) {
        const guess = closest(ruleId, Object.keys(RULES));
        throw new UsageError(
          guess
            ? `unknown rule "${ruleId}". Did you mean "${guess}"?`
            : `unknown rule "${ruleId}". Run "jwt-audit rules" to list the rule ids`,
        );
      }
      const { renderHelpMarkdown } = await import('./rule-help.js');
      const text = renderHelpMarkdown(rule.meta);
      io.stdout(text.endsWith('\n') ? text : `${text}\n`);
      setExitCode(EXIT_OK);
    });

  sub('init')
    .description(
      `write a starter ${INIT_FILES.map((f) => f.path).join(' and ')} in the current folder`,
    )
    .option('--force', 'overwrite those files if they exist')
    .action(async (options: { force?: boolean }) => {
      setExitCode(initCommand(options.force === true, io));
    });

  return program;
}

/** Writes INIT_FILES under cwd; writes nothing when one exists, unless forced. */
function initCommand(force: boolean, io: CliIO): number {
  const targets = INIT_FILES.map((f) => ({ ...f, absolute: path.resolve(io.cwd, f.path) }));
  const existing = targets.filter((t) => fs.existsSync(t.absolute));
  if (existing.length > 0 && !force) {
    throw new UsageError(
      `${existing.map((t) => t.path).join(' and ')} already exist` +
        `${existing.length === 1 ? 's' : ''}; nothing was written. Pass --force to overwrite`,
    );
  }
  for (const t of targets) {
    try {
      ensureDirectory(path.dirname(t.absolute));
      fs.writeFileSync(t.absolute, t.text);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`cannot write ${t.path} (${errorCode(error)}). Check the folder`);
    }
    io.stdout(`wrote ${t.path}\n`);
  }
  io.stdout(
    'Next: run "jwt-audit scan" and adjust .jwt-audit.json (README "Configuration"), ' +
      'then commit both files\n',
  );
  return EXIT_OK;
}

/** `scan --print-config <file>`: the effective configuration for one file, as JSON. */
async function printConfigCommand(
  paths: string[],
  options: ScanCommandOptions,
  io: CliIO,
): Promise<number> {
  const { config, source, ruleIds } = await loadScanConfig(paths, options, io);
  const { RULES } = await loadRules();
  const file = path.resolve(io.cwd, options.printConfig ?? '');
  const levels = rulesForFile(config, file, io.cwd);
  const rules: Record<string, string> = {};
  for (const id of ruleIds) {
    let level: string = levels[id] ?? RULES[id].meta.level;
    if (options.rule && options.rule.length > 0 && !options.rule.includes(id)) level = 'off';
    if (options.disable?.includes(id)) level = 'off';
    if (id === 'missing-rate-limit' && config.rateLimitedUpstream) level = 'off';
    rules[id] = level;
  }
  const display = (abs: string) => path.relative(io.cwd, abs).split(path.sep).join('/') || '.';
  const view = {
    file: display(file),
    configFile: source === null ? null : display(source),
    rules,
    ignore: config.ignore,
    monitors: config.monitors,
    rateLimiters: config.rateLimiters,
    authRoutes: config.authRoutes,
    notAuthRoutes: config.notAuthRoutes,
    ...(config.rateLimitedUpstream ? { rateLimitedUpstream: config.rateLimitedUpstream } : {}),
  };
  emit(`${JSON.stringify(view, null, 2)}\n`, options.output, io);
  return EXIT_OK;
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
        `cannot read baseline "${options.baseline}" (${errorCode(error)}). ` +
          `Pass a report written by an earlier "jwt-audit scan --format json|sarif"`,
      );
    }
  }
  // Validate --since before the (slow) scan.
  let changed: import('./since.js').ChangedLines | undefined;
  if (options.since !== undefined) {
    const { changedLinesSince } = await import('./since.js');
    changed = changedLinesSince(options.since, io.cwd);
  }
  prepareOutput(options.output, io);
  let fingerprints: import('./baseline.js').BaselineCounts | undefined;
  if (baselineText !== undefined) {
    const { readBaselineFingerprints } = await import('./baseline.js');
    fingerprints = readBaselineFingerprints(baselineText, options.baseline ?? '');
  }

  let { result } = await runEngine(paths, options, io);
  if (fingerprints !== undefined) {
    const { applyBaseline } = await import('./baseline.js');
    const before = result.findings.length;
    result = applyBaseline(result, fingerprints);
    result = {
      ...result,
      summary: { ...result.summary, baselineHidden: before - result.findings.length },
    };
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
    scanRoot: scannedFolder(paths, io.cwd),
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
          `cannot append to GITHUB_STEP_SUMMARY (${errorCode(error)}). ` +
            'Check the variable points to a writable file',
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
      `jwt-audit: the result is incomplete: ` +
        `${first.ruleId ? `rule ${first.ruleId}` : 'the analysis'} failed${where} ` +
        `(${internal.length} internal error${internal.length === 1 ? '' : 's'}, listed in ` +
        `the report). Re-run with --debug and please report it\n`,
    );
    return EXIT_FAILURE;
  }
  const warnings = result.findings.filter((f) => !f.suppression && f.severity === 'warning').length;
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    io.stderr(
      `jwt-audit: ${warnings} warning${warnings === 1 ? '' : 's'}, ` +
        `more than --max-warnings ${options.maxWarnings} allows\n`,
    );
    return EXIT_FINDINGS;
  }
  return failing > 0 ? EXIT_FINDINGS : EXIT_OK;
}

async function inventoryCommand(
  paths: string[],
  options: CommonOptions,
  io: CliIO,
): Promise<number> {
  prepareOutput(options.output, io);
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
  const hidden = result.summary.baselineHidden;
  const known = hidden !== undefined ? ` (${hidden} known in the baseline not shown)` : '';
  return `${counts.length === 0 ? 'no findings' : counts.join(', ')}${known}`;
}

/** Colour only on a TTY, never with --no-color, NO_COLOR, or when writing to a file. */
function useColor(options: CommonOptions, io: CliIO): boolean {
  if (options.color === false || options.output !== undefined) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return io.stdoutIsTTY;
}

/** Creates the output file's folder before the scan, so that a bad --output fails at once. */
function prepareOutput(output: string | undefined, io: CliIO): void {
  if (output === undefined) return;
  try {
    ensureDirectory(path.dirname(path.resolve(io.cwd, output)));
  } catch (error) {
    throw new UsageError(
      `cannot write output file "${output}" (${errorCode(error)}). ` +
        'Choose a writable path with --output',
    );
  }
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
    ensureDirectory(path.dirname(target));
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, target);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // the directory itself may be unwritable: nothing was created then
    }
    throw new UsageError(
      `cannot write output file "${output}" (${errorCode(error)}). ` +
        'Choose a writable path with --output',
    );
  }
}
