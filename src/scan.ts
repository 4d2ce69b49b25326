/**
 * The engine: (files, config, rules) -> ScanResult. Parses each file once, extracts its facts,
 * releases the tree, links facts across files, runs the rules, applies suppressions and renders
 * findings. No console, no process state, no file system of its own (reads through `readFile`).
 */
import path from 'node:path';
import type { JwtAuditConfig } from './config.js';
import type { Finding, Notice, ScanResult, Severity, SourceLocation } from './types.js';
import { SEVERITY_RANK } from './types.js';
import { parseFile } from './project.js';
import { extractFileFacts } from './analysis/file/extract.js';
import type { ExtractOptions } from './analysis/file/context.js';
import type { FileFacts } from './analysis/file/types.js';
import { ProjectSpecifiers } from './analysis/file/project-code.js';
import { findWorkspacePackages, type WorkspacePackage } from './workspace.js';
import { buildFacts } from './analysis/project/facts.js';
import {
  parseDirectives,
  applySuppressions,
  type Directive,
  type DirectiveProblem,
} from './suppressions.js';
import { computeLineHashes, ownFingerprint } from './fingerprints.js';
import { redactJwts } from './redact.js';
import { renderMessage, factLocation, type Report, type Rule } from './rule.js';
import { toRuleInfo } from './rule-help.js';
import { RULES } from '../rules/index.js';
import { buildInventory } from './analysis/project/inventory/index.js';
import { VERSION } from './version.js';

/** Everything the engine needs; it touches no file system and no process state itself. */
export interface ScanOptions {
  /** Absolute paths of the files to analyse, sorted. */
  files: string[];
  /** Working directory: finding paths are relative to it. */
  cwd: string;
  /** Repository root (nearest git work tree, else cwd): SARIF uris are relative to it. */
  repoRoot: string;
  /** Reads a file as text; may throw (the file is then reported, not dropped). */
  readFile: (absolutePath: string) => string;
  config: JwtAuditConfig;
  /** `--rule`: run only these rule ids (already validated). */
  only?: string[];
  /** `--disable`: skip these rule ids (already validated). */
  disable?: string[];
  /** Keep suppressed findings in the result, marked with `suppression`. */
  includeSuppressed?: boolean;
  /** What discovery skipped, carried into the report. */
  skipped?: Notice[];
  testFilesSkipped?: number;
  /**
   * The rule registry to run (tests inject extra rules; defaults to every rule in rules/index.ts).
   */
  rules?: Readonly<Record<string, Rule>>;
  /** Called after each file is analysed (progress display). */
  onProgress?: (done: number, total: number) => void;
}

const toSlash = (p: string) => p.split(path.sep).join('/');

/** The rules that run, with their effective severity (config can change it or turn it off). */
export function selectRules(
  options: Pick<ScanOptions, 'config' | 'only' | 'disable' | 'rules'>,
): Array<{ rule: Rule; severity: Severity }> {
  const out: Array<{ rule: Rule; severity: Severity }> = [];
  for (const [id, rule] of Object.entries(options.rules ?? RULES)) {
    if (options.only && options.only.length > 0 && !options.only.includes(id)) continue;
    if (options.disable?.includes(id)) continue;
    const configured = options.config.rules[id];
    if (configured === 'off') continue;
    if (id === 'missing-rate-limit' && options.config.rateLimitedUpstream) continue;
    out.push({ rule, severity: configured ?? rule.meta.level });
  }
  return out;
}

/**
 * What one file contributes: its facts, its suppression directives, and problems met on the way.
 */
export interface FileAnalysis {
  file: string;
  facts?: FileFacts;
  directives?: Directive[];
  notices: Notice[];
}

export interface AnalyseContext {
  cwd: string;
  monitors: readonly string[];
  rateLimiters: readonly string[];
  /** Names of the monorepo's own packages (their imports are project code). */
  packages: readonly string[];
}

const packagesOf = new WeakMap<ScanOptions, WorkspacePackage[]>();

/** The scan's workspace packages, found once per scan. */
export function workspacePackages(options: ScanOptions): WorkspacePackage[] {
  let found = packagesOf.get(options);
  if (!found)
    packagesOf.set(options, (found = findWorkspacePackages(options.files, options.repoRoot)));
  return found;
}

/** What every file's analysis needs to know of the scan (plain data: it is sent to workers). */
export function analyseContext(options: ScanOptions): AnalyseContext {
  return {
    cwd: options.cwd,
    monitors: options.config.monitors,
    rateLimiters: options.config.rateLimiters,
    packages: workspacePackages(options).map((p) => p.name),
  };
}

const displayPath = (cwd: string, abs: string) =>
  toSlash(path.relative(cwd, abs)) || path.basename(abs);

const optionsOf = new WeakMap<AnalyseContext, ExtractOptions>();

/** The context's sets, built once, not per file (a monorepo names dozens of packages). */
function extractOptions(context: AnalyseContext): ExtractOptions {
  let options = optionsOf.get(context);
  if (!options)
    optionsOf.set(
      context,
      (options = {
        monitoring: { monitors: new Set(context.monitors) },
        limiters: { rateLimiters: new Set(context.rateLimiters) },
        specifiers: new ProjectSpecifiers(new Set(context.packages)),
      }),
    );
  return options;
}

/**
 * Parses one file and extracts its facts; the syntax tree is dropped when this returns. Pure
 * data in and out, so it runs the same in the main thread or in a worker (src/scan-worker.ts).
 */
export function analyseFile(
  file: string,
  text: string | Error,
  context: AnalyseContext,
): FileAnalysis {
  const display = displayPath(context.cwd, file);
  if (text instanceof Error)
    return {
      file,
      notices: [
        {
          kind: 'skipped',
          level: 'warning',
          file: display,
          message: `could not read file: ${text.message}`,
        },
      ],
    };
  const notices: Notice[] = [];
  let parsed: ReturnType<typeof parseFile>;
  try {
    parsed = parseFile(file, text);
  } catch (error) {
    // TypeScript's parser recurses once per nesting level: code nested thousands of levels deep
    // (generated or hostile) overflows it. Such a file is skipped and said so, not a failed run.
    if (error instanceof RangeError)
      return {
        file,
        notices: [
          {
            kind: 'skipped',
            level: 'warning',
            file: display,
            message: 'nested too deeply for the parser (stack overflow); not analysed',
          },
        ],
      };
    throw error;
  }
  try {
    if (parsed.syntaxErrors.length > 0) {
      const first = parsed.syntaxErrors[0];
      notices.push({
        kind: 'parse-error',
        level: 'warning',
        file: display,
        line: first.line,
        column: first.column,
        message: `syntax error (${first.message}); analysed as far as the parser recovered`,
      });
    }
    const facts = extractFileFacts(file, parsed.sourceFile, extractOptions(context));
    const directives = text.includes('jwt-audit-disable') ? parseDirectives(text) : undefined;
    return { file, facts, directives, notices };
  } catch (error) {
    notices.push({
      kind: 'rule-error',
      level: 'error',
      file: display,
      message: `internal error while analysing the file: ${(error as Error).message}`,
    });
    return { file, notices };
  }
}

export function readOrError(read: (f: string) => string, file: string): string | Error {
  try {
    return read(file);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** Analyses every file in this thread, then links and runs the rules. */
export function scan(options: ScanOptions): ScanResult {
  const context = analyseContext(options);
  const analyses = options.files.map((file, index) => {
    const analysis = analyseFile(file, readOrError(options.readFile, file), context);
    options.onProgress?.(index + 1, options.files.length);
    return analysis;
  });
  return finishScan(analyses, options);
}

/** Links per-file facts across files, runs the rules, applies suppressions, renders findings. */
export function finishScan(analyses: readonly FileAnalysis[], options: ScanOptions): ScanResult {
  const notices: Notice[] = [...(options.skipped ?? [])];
  const display = (abs: string) => displayPath(options.cwd, abs);
  const uriOf = (abs: string) =>
    toSlash(path.relative(options.repoRoot, abs)) || path.basename(abs);
  const fileFacts: FileFacts[] = [];
  const directivesByFile: Record<string, Directive[]> = {};
  let scanned = 0;
  for (const a of analyses) {
    notices.push(...a.notices);
    if (!a.facts) continue;
    fileFacts.push(a.facts);
    if (a.directives) directivesByFile[a.file] = a.directives;
    scanned++;
  }

  const facts = buildFacts(fileFacts, options.files, {
    packages: workspacePackages(options),
    authRoutes: options.config.authRoutes.map((p) => new RegExp(p, 'i')),
    notAuthRoutes: options.config.notAuthRoutes.map((p) => new RegExp(p, 'i')),
  });
  const selected = selectRules(options);
  const reports: Array<{ rule: Rule; severity: Severity; report: Report<string> }> = [];
  const run = (
    entry: { rule: Rule; severity: Severity },
    directiveProblems: readonly DirectiveProblem[],
  ) => {
    try {
      const each = <T>(items: Iterable<T>, fn: (item: T) => void): void => {
        for (const item of items) {
          try {
            fn(item);
          } catch (error) {
            const at = factLocation(item);
            const where = at
              ? `${display(at.file)}:${at.span.startLine}`
              : 'a fact without a location';
            notices.push({
              kind: 'rule-error',
              level: 'error',
              ruleId: entry.rule.meta.id,
              ...(at ? { file: display(at.file), line: at.span.startLine } : {}),
              message: `rule ${entry.rule.meta.id} failed on ${where}: ${(error as Error).message}`,
            });
          }
        }
      };
      entry.rule.check({
        facts,
        config: options.config,
        directiveProblems,
        each,
        report: (report) => reports.push({ ...entry, report }),
      });
    } catch (error) {
      notices.push({
        kind: 'rule-error',
        level: 'error',
        ruleId: entry.rule.meta.id,
        message: `rule ${entry.rule.meta.id} failed: ${(error as Error).message}`,
      });
    }
  };
  for (const entry of selected) if (!entry.rule.phase) run(entry, []);

  const lineHashCache = new Map<string, string[]>();
  const lineHashes = (file: string) => {
    let hashes = lineHashCache.get(file);
    if (!hashes) {
      try {
        hashes = computeLineHashes(options.readFile(file));
      } catch {
        hashes = [];
      }
      lineHashCache.set(file, hashes);
    }
    return hashes;
  };
  const location = (
    file: string,
    span: Report<string>['at']['span'],
    label?: string,
  ): SourceLocation => ({
    file: display(file),
    uri: uriOf(file),
    start: { line: span.startLine, column: span.startColumn },
    end: { line: span.endLine, column: span.endColumn },
    ...(label ? { label } : {}),
  });
  const toFinding = (r: (typeof reports)[number]): Finding => {
    const { rule, severity, report } = r;
    const message = redactJwts(
      renderMessage(rule.meta.messages[report.messageId] ?? report.messageId, report.data),
    );
    return {
      ruleId: rule.meta.id,
      severity,
      message,
      location: location(report.at.file, report.at.span),
      related: (report.related ?? []).map((rel) =>
        location(rel.file, rel.span, redactJwts(rel.label)),
      ),
      fingerprints: {
        primaryLocationLineHash: lineHashes(report.at.file)[report.at.span.startLine - 1] ?? '',
        jwtAudit: ownFingerprint({
          ruleId: rule.meta.id,
          uri: uriOf(report.at.file),
          enclosing: report.at.scope,
          code: report.at.code,
        }),
      },
    };
  };

  // Suppressions: findings keyed by absolute file, then directive problems become findings.
  const byFile: Record<string, Finding[]> = {};
  const absOf = new Map<Finding, string>();
  for (const r of reports) {
    const f = toFinding(r);
    absOf.set(f, r.report.at.file);
    (byFile[r.report.at.file] ??= []).push(f);
  }
  const activeIds = selected.map((s) => s.rule.meta.id);
  const suppression = applySuppressions(
    byFile,
    directivesByFile,
    Object.keys(options.rules ?? RULES),
    activeIds,
  );
  const before = reports.length;
  for (const entry of selected)
    if (entry.rule.phase === 'suppressions') run(entry, suppression.problems);
  const problemFindings = reports.slice(before).map(toFinding);

  const all = [...suppression.findings, ...problemFindings];
  const visible = all.filter((f) => options.includeSuppressed || !f.suppression);
  visible.sort(compareFindings);

  const counted = all.filter((f) => !f.suppression);
  const bySeverity: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  const byRule: Record<string, number> = {};
  for (const f of counted) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  notices.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.message.localeCompare(b.message),
  );

  return {
    toolVersion: VERSION,
    findings: visible,
    notices,
    summary: {
      filesScanned: scanned,
      filesSkipped: (options.skipped ?? []).length + (options.files.length - scanned),
      testFilesSkipped: options.testFilesSkipped ?? 0,
      findings: counted.length,
      bySeverity,
      byRule,
      suppressed: suppression.suppressedCount,
      ...(options.config.rateLimitedUpstream
        ? { rateLimitedUpstream: options.config.rateLimitedUpstream.reason }
        : {}),
    },
    rules: selected.map((s) => ({ ...toRuleInfo(s.rule.meta), level: s.severity })),
    inventory: buildInventory(facts, location),
  };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.location.file < b.location.file ? -1 : a.location.file > b.location.file ? 1 : 0) ||
    a.location.start.line - b.location.start.line ||
    a.location.start.column - b.location.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}
