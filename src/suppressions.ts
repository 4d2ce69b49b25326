/**
 * Inline suppressions, as ESLint users write them:
 *
 *   // jwt-audit-disable-next-line silent-verify-failure, token-in-logs -- legacy endpoint, removed
 *   in Q3 jwt.verify(token, secret, () => {}); logger.info(token); // jwt-audit-disable-line
 *   token-in-logs -- token is a test fixture
 *
 * Suppressions are accountable: a directive without a reason, naming an unknown rule, or
 * suppressing nothing is reported (the engine turns each problem into an `invalid-suppression`
 * warning). Pure functions: text in, data out.
 */
import type { Finding } from './types.js';

export interface Directive {
  /** 1-based line of the comment's start. */
  line: number;
  /** 1-based column of the comment's start (the `//` or `/*`). */
  column: number;
  kind: 'disable-line' | 'disable-next-line';
  /** The line whose findings it silences. */
  targetLine: number;
  /** Empty: all rules. */
  ruleIds: string[];
  /** Text after `--`, trimmed; null when missing or empty. */
  reason: string | null;
  /** The whole comment as written. */
  text: string;
}

export type DirectiveProblemKind = 'missing-reason' | 'unknown-rule' | 'unused';

export interface DirectiveProblem {
  kind: DirectiveProblemKind;
  /** File key, as given in directivesByFile. */
  file: string;
  directive: Directive;
  /** The rule id concerned (unknown-rule, unused for one id of several); absent for "all rules". */
  ruleId?: string;
  /** One factual sentence. */
  message: string;
}

export interface SuppressionResult {
  /**
   * Every input finding (files in sorted order, each in input order); silenced ones carry
   * `suppression`.
   */
  findings: Finding[];
  suppressedCount: number;
  problems: DirectiveProblem[];
}

const DIRECTIVE = /^jwt-audit-disable-(next-line|line)(?=$|[\s,])([\s\S]*)$/;

/** All `jwt-audit-disable-line` / `jwt-audit-disable-next-line` directives in a source text. */
export function parseDirectives(text: string): Directive[] {
  const directives: Directive[] = [];
  for (const comment of scanComments(text)) {
    const body = comment.block
      ? comment.body
          .split('\n')
          .map((l) => l.replace(/^\s*\*?/, ''))
          .join('\n')
          .trim()
      : comment.body.trim();
    const match = DIRECTIVE.exec(body);
    if (!match) continue;
    const kind = match[1] === 'line' ? 'disable-line' : 'disable-next-line';
    const rest = match[2];
    const separator = rest.search(/(^|\s)--(\s|$)/);
    const idsPart = separator === -1 ? rest : rest.slice(0, separator);
    const reasonPart = separator === -1 ? '' : rest.slice(separator).replace(/^\s*--/, '');
    const reason = reasonPart.replace(/\s+/g, ' ').trim();
    directives.push({
      line: comment.line,
      column: comment.column,
      kind,
      targetLine: kind === 'disable-line' ? comment.line : comment.endLine + 1,
      ruleIds: idsPart
        .split(/[\s,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== ''),
      reason: reason === '' ? null : reason,
      text: comment.text,
    });
  }
  return directives;
}

interface Comment {
  line: number;
  column: number;
  endLine: number;
  block: boolean;
  body: string;
  text: string;
}

/**
 * Comments of a JS/TS text. Skips string and template literals so that a directive quoted in a
 * string is not one; does not recognise regular expression literals, and to limit the damage a
 * quote inside one can do, a quoted string never runs past the end of its line (JS forbids that).
 */
function scanComments(text: string): Comment[] {
  const comments: Comment[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = i + 1;
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      let end = text.indexOf('\n', i);
      if (end === -1) end = n;
      const raw = text.slice(i, end).replace(/\r$/, '');
      comments.push({
        line,
        column: i - lineStart + 1,
        endLine: line,
        block: false,
        body: raw.slice(2),
        text: raw,
      });
      i = end;
    } else if (c === '/' && text[i + 1] === '*') {
      let end = text.indexOf('*/', i + 2);
      end = end === -1 ? n : end + 2;
      const raw = text.slice(i, end);
      const startLine = line;
      const column = i - lineStart + 1;
      for (let k = i; k < end; k++) {
        if (text[k] === '\n') {
          line++;
          lineStart = k + 1;
        }
      }
      comments.push({
        line: startLine,
        column,
        endLine: line,
        block: true,
        body: raw.slice(2, raw.endsWith('*/') ? -2 : undefined),
        text: raw,
      });
      i = end;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < n && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      if (text[i] === c) i++;
    } else if (c === '`') {
      i++;
      while (i < n && text[i] !== '`') {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      i++;
    } else {
      i++;
    }
  }
  return comments;
}

/**
 * Decides which findings the directives silence, and what is wrong with the directives.
 * A directive silences the findings whose primary location starts on its target line and whose
 * rule it names (or all, when it names none). Keys of both maps are the same file paths.
 *
 * `activeRuleIds`: the rules that ran (`--rule` / `--disable` / config `off`); a directive naming a
 * rule that did not run is not called unused, since it may well suppress something when it runs.
 */
export function applySuppressions(
  findingsByFile: Readonly<Record<string, readonly Finding[]>>,
  directivesByFile: Readonly<Record<string, readonly Directive[]>>,
  knownRuleIds: readonly string[],
  activeRuleIds: readonly string[] = knownRuleIds,
): SuppressionResult {
  const known = new Set(knownRuleIds);
  const active = new Set(activeRuleIds);
  const allActive = knownRuleIds.every((id) => active.has(id));
  const findings: Finding[] = [];
  const problems: DirectiveProblem[] = [];
  let suppressedCount = 0;

  const files = [
    ...new Set([...Object.keys(findingsByFile), ...Object.keys(directivesByFile)]),
  ].sort();
  for (const file of files) {
    const directives = directivesByFile[file] ?? [];
    /** For each directive, the rule ids (or '*') that silenced at least one finding. */
    const used = directives.map(() => new Set<string>());
    for (const finding of findingsByFile[file] ?? []) {
      let silencedBy: Directive | undefined;
      directives.forEach((directive, index) => {
        if (directive.targetLine !== finding.location.start.line) return;
        const names = directive.ruleIds.filter((id) => known.has(id));
        if (directive.ruleIds.length === 0) used[index].add('*');
        else if (names.includes(finding.ruleId)) used[index].add(finding.ruleId);
        else return;
        silencedBy ??= directive;
      });
      if (silencedBy) {
        suppressedCount++;
        findings.push({
          ...finding,
          suppression: { kind: 'inSource', justification: silencedBy.reason ?? '' },
        });
      } else {
        findings.push(finding);
      }
    }

    directives.forEach((directive, index) => {
      const where = `line ${directive.line}`;
      const problem = (kind: DirectiveProblemKind, message: string, ruleId?: string): void => {
        problems.push(
          ruleId === undefined
            ? { kind, file, directive, message }
            : { kind, file, directive, ruleId, message },
        );
      };
      if (directive.reason === null) {
        problem('missing-reason', `Suppression at ${where} gives no reason; add one after "--".`);
      }
      if (directive.ruleIds.length === 0) {
        if (allActive && !used[index].has('*')) {
          problem(
            'unused',
            `Suppression of all rules at ${where} suppresses nothing on line ` +
              `${directive.targetLine}.`,
          );
        }
        return;
      }
      for (const id of directive.ruleIds) {
        if (!known.has(id))
          problem('unknown-rule', `Suppression at ${where} names unknown rule '${id}'.`, id);
        else if (active.has(id) && !used[index].has(id)) {
          problem(
            'unused',
            `Suppression of '${id}' at ${where} suppresses nothing on line ` +
              `${directive.targetLine}.`,
            id,
          );
        }
      }
    });
  }
  return { findings, suppressedCount, problems };
}
