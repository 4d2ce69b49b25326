/**
 * The data that crosses module boundaries: findings, scan results, rule metadata.
 * Everything here is plain JSON-serialisable data, so reporters, baselines and worker threads
 * can all share it.
 */

export type Severity = 'error' | 'warning' | 'note';

/** Higher is more severe; used for `--fail-on` and for ordering annotations. */
export const SEVERITY_RANK: Record<Severity, number> = { note: 1, warning: 2, error: 3 };

/** 1-based line and column, as editors show them. Columns count UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

export interface SourceLocation {
  /** Path relative to the working directory, forward slashes (`src/auth/jwt.ts`). */
  file: string;
  /** Path relative to the repository root (nearest git work tree, else the working directory). */
  uri: string;
  start: Position;
  end: Position;
  /** What this location is, for related locations ("catch clause", "router mounted here"). */
  label?: string;
}

export interface Fingerprints {
  /** GitHub's rolling hash of the line text, with occurrence counter (`hash:n`). */
  primaryLocationLineHash: string;
  /**
   * jwt-audit's own line-independent fingerprint (rule, file, enclosing function, normalised code).
   */
  jwtAudit: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** One factual sentence, already rendered from the rule's message template, JWTs redacted. */
  message: string;
  location: SourceLocation;
  related: SourceLocation[];
  fingerprints: Fingerprints;
  /** Set only when an inline directive silences it (and `--include-suppressed` asked to see it). */
  suppression?: { kind: 'inSource'; justification: string };
}

export type NoticeKind =
  | 'parse-error' // file analysed only as far as the parser recovered
  | 'skipped' // file not analysed (size, minified, binary, symlink, unreadable...)
  | 'rule-error' // a rule threw on some file: the result is partial
  | 'config'; // something about the configuration worth telling

export interface Notice {
  kind: NoticeKind;
  level: 'error' | 'warning' | 'note';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  ruleId?: string;
}

export interface ScanSummary {
  filesScanned: number;
  filesSkipped: number;
  testFilesSkipped: number;
  findings: number;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, number>;
  suppressed: number;
  /**
   * From config `rateLimitedUpstream.reason`: missing-rate-limit is off because a gateway limits.
   */
  rateLimitedUpstream?: string;
  /** With `--baseline`: how many findings the baseline accounted for (hidden as known). */
  baselineHidden?: number;
}

export type Precision = 'very-high' | 'high' | 'medium' | 'low';

export interface RuleExamples {
  bad: string;
  good: string;
}

/** Pure data describing a rule; `help` text is rendered from it in one place (src/rule-help.ts). */
export interface RuleMeta<MessageId extends string = string> {
  id: string;
  /** PascalCase name for SARIF `rule.name`. */
  name: string;
  level: Severity;
  /** One line, imperative: "Require JWT verification failures to be logged or measured". */
  description: string;
  /** Full description: what the rule finds, a short paragraph. */
  fullDescription: string;
  /** Why it matters (attack, OWASP category). */
  rationale: string;
  /** How to fix it. */
  remedy: string;
  examples: RuleExamples;
  cwe: number[];
  tags: string[];
  precision: Precision;
  /** GitHub security-severity, 0.0–10.0. */
  securitySeverity: number;
  messages: Record<MessageId, string>;
}

/** What the CLI and reporters need to know about a rule (no check function). */
export type RuleInfo = RuleMeta & { helpMarkdown: string; helpText: string; docsUrl: string };

export interface ScanResult {
  toolVersion: string;
  /** Sorted by file, line, column, rule id. Contains suppressed findings only when asked for. */
  findings: Finding[];
  notices: Notice[];
  summary: ScanSummary;
  /** Every rule that was run, in registry order (SARIF `tool.driver.rules`). */
  rules: RuleInfo[];
  /** Set by the CLI for SARIF `invocations` only; never printed by text/json. */
  timing?: { startTimeUtc: string; endTimeUtc: string };
  /** The auth attack surface the analysis recognised. */
  inventory: Inventory;
}

/** The auth attack surface as the analysis sees it (`jwt-audit inventory`, HTML report). */
export interface Inventory {
  routes: InventoryRoute[];
  verifySites: InventoryVerifySite[];
  denylistChecks: InventoryDenylistCheck[];
  monitors: InventoryMonitor[];
  /** Framework error handlers, and whether each records a 4xx error (present when any). */
  errorHandlers?: InventoryErrorHandler[];
}

export interface InventoryErrorHandler {
  /** `error middleware`, `app.onError`, `AllExceptionsFilter.catch`... */
  name: string;
  kind: string;
  location: SourceLocation;
  /** It logs, measures or reports a 4xx error (a 401) it answers. */
  records4xx: boolean;
}

/** The frameworks and endpoint kinds routes are recognised in (inventory, HTML report). */
export type RouteFramework =
  | 'express'
  | 'fastify'
  | 'koa'
  | 'nestjs'
  | 'nextjs'
  | 'hono'
  | 'sveltekit'
  | 'nuxt'
  | 'medusa'
  | 'route-table'
  | 'graphql'
  | 'socket.io';

export interface InventoryRoute {
  framework: RouteFramework;
  /** Upper-case HTTP method, or `ALL`. */
  method: string;
  /** Full path after mounts and prefixes (`/api/auth/login`). */
  path: string;
  location: SourceLocation;
  /** Why it counts as an auth endpoint ("path matches /login/", "signs a token"). */
  authReason: string;
  /** Name of the limiter guarding it, or null when none. */
  limiter: string | null;
}

export interface InventoryVerifySite {
  /** The call as written (`jwt.verify`), or the wrapper name. */
  call: string;
  library: string;
  location: SourceLocation;
  /** How its failure is handled. */
  handling: 'monitored' | 'unmonitored' | 'fail-open' | 'propagates';
}

export interface InventoryDenylistCheck {
  label: string;
  location: SourceLocation;
  monitored: boolean;
}

export interface InventoryMonitor {
  /** Logger variable or monitoring function name (`logger`, `logAuthFailure`). */
  name: string;
  kind: 'logger' | 'telemetry' | 'reporter' | 'project-function' | 'configured';
  location?: SourceLocation;
}
