/**
 * A hand-built ScanResult shared by the reporter tests: four findings in two files (one with a
 * related location in the same file, one with a related location in another file, one suppressed
 * and shown because --include-suppressed asked for it, one carrying a JWT in its message) and
 * three notices.
 */
import { toRuleInfo } from '../src/rule-help.js';
import type { Finding, RuleMeta, ScanResult, Severity, SourceLocation } from '../src/types.js';

export const SAMPLE_JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.' +
  'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0.' +
  'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

function meta(
  id: string,
  name: string,
  level: Severity,
  cwe: number[],
  securitySeverity: number,
): RuleMeta {
  const words = id.replace(/-/g, ' ');
  return {
    id,
    name,
    level,
    description: `Require ${words} to be monitored`,
    fullDescription: `Finds ${words} cases. A second sentence of the full description.`,
    rationale: 'Attackers probe exactly where the server keeps no record (OWASP A09:2021).',
    remedy: 'Log the failure with its reason, then reject the request.',
    examples: {
      bad: 'try {\n  jwt.verify(token, secret);\n} catch {\n  return res.sendStatus(401);\n}',
      good:
        "try {\n  jwt.verify(token, secret);\n} catch (err) {\n  logger.warn({ err }, 'jwt " +
        "verify failed');\n  return res.sendStatus(401);\n}",
    },
    cwe,
    tags: ['jwt', 'logging'],
    precision: 'high',
    securitySeverity,
    messages: { default: 'x' },
  };
}

export const RULES = [
  toRuleInfo(meta('silent-verify-failure', 'SilentVerifyFailure', 'error', [778], 7.5)),
  toRuleInfo(meta('unmonitored-refresh', 'UnmonitoredRefresh', 'error', [778, 223], 6)),
  toRuleInfo(meta('missing-rate-limit', 'MissingRateLimit', 'warning', [307], 5.3)),
  toRuleInfo(meta('token-in-logs', 'TokenInLogs', 'error', [532], 8)),
  toRuleInfo(meta('unclassified-verify-failure', 'UnclassifiedVerifyFailure', 'note', [223], 3.1)),
];

export function loc(
  file: string,
  line: number,
  column: number,
  endLine: number,
  endColumn: number,
  label?: string,
): SourceLocation {
  const l: SourceLocation = {
    file,
    uri: file,
    start: { line, column },
    end: { line: endLine, column: endColumn },
  };
  if (label !== undefined) l.label = label;
  return l;
}

export function finding(
  ruleId: string,
  severity: Severity,
  message: string,
  location: SourceLocation,
  extra: Partial<Finding> = {},
): Finding {
  return {
    ruleId,
    severity,
    message,
    location,
    related: [],
    fingerprints: {
      primaryLocationLineHash: `${(location.start.line * 7919).toString(16)}:1`,
      jwtAudit: `fp-${ruleId}-${location.start.line}`,
    },
    ...extra,
  };
}

export function sampleResult(): ScanResult {
  return {
    toolVersion: '0.1.0',
    findings: [
      finding(
        'silent-verify-failure',
        'error',
        "Failure of 'jwt.verify' is rejected without a log, metric or rethrow.",
        loc('src/auth/jwt.ts', 8, 17, 8, 44),
        { related: [loc('src/auth/jwt.ts', 10, 5, 12, 6, 'catch clause')] },
      ),
      finding(
        'unclassified-verify-failure',
        'note',
        "Failure of 'jwtVerify' is logged without its reason.",
        loc('src/auth/jwt.ts', 112, 3, 112, 30),
      ),
      finding(
        'missing-rate-limit',
        'warning',
        "Route 'POST /login' has no rate limiter.",
        loc('src/routes/login.ts', 31, 1, 35, 3),
        { related: [loc('src/app.ts', 20, 1, 20, 30, 'router mounted here')] },
      ),
      finding(
        'token-in-logs',
        'error',
        `Call 'console.log' writes the token '${SAMPLE_JWT}' to the log.`,
        loc('src/routes/login.ts', 40, 5, 40, 60),
        { suppression: { kind: 'inSource', justification: 'test token, expired' } },
      ),
    ],
    notices: [
      {
        kind: 'parse-error',
        level: 'warning',
        message: "')' expected.",
        file: 'src/broken.ts',
        line: 3,
        column: 7,
      },
      {
        kind: 'skipped',
        level: 'warning',
        message: 'File skipped: larger than 1 MB.',
        file: 'src/vendor/big.min.js',
      },
      { kind: 'config', level: 'note', message: 'No config file found; using defaults.' },
    ],
    summary: {
      filesScanned: 12,
      filesSkipped: 1,
      testFilesSkipped: 3,
      findings: 3,
      bySeverity: { error: 1, warning: 1, note: 1 },
      byRule: {
        'unclassified-verify-failure': 1,
        'missing-rate-limit': 1,
        'silent-verify-failure': 1,
      },
      suppressed: 1,
    },
    rules: RULES,
    inventory: { routes: [], verifySites: [], denylistChecks: [], monitors: [] },
  };
}
