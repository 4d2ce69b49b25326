/**
 * The shape of a rule: metadata (pure data) plus one `check` that turns facts into reports.
 * A rule never formats, prints or exits; the engine renders messages and locations.
 */
import type { Span } from './analysis/file/ast.js';
import type { Facts } from './analysis/project/facts.js';
import type { Located, RelatedSpan } from './analysis/project/located.js';
import type { JwtAuditConfig } from './config.js';
import type { RuleMeta } from './types.js';
import type { DirectiveProblem } from './suppressions.js';

export type { Located, RelatedSpan };

export interface Report<MessageId extends string> {
  /** The finished fact the finding is about: its location and fingerprint identity. */
  at: Located;
  messageId: MessageId;
  /** Values for the message's `{{placeholders}}`. */
  data?: Record<string, string>;
  related?: readonly RelatedSpan[];
}

export interface RuleContext<MessageId extends string> {
  facts: Facts;
  config: JwtAuditConfig;
  /** Problems with inline suppression directives (only for the rule that reports them). */
  directiveProblems: readonly DirectiveProblem[];
  report(report: Report<MessageId>): void;
  /**
   * Runs `fn` on each fact; when it throws on one, the failure is recorded with that fact's file
   * and line and the rule goes on with the next (one odd file must not cost the whole rule).
   * Facts with `file` and `span` are located automatically, groups by their first member.
   */
  each<T>(items: Iterable<T>, fn: (item: T) => void): void;
}

/** Where a fact is, for a rule failure: `{ file, span }`, or the first of a group of them. */
export function factLocation(item: unknown): { file: string; span: Span } | undefined {
  const first = Array.isArray(item) ? item[0] : item;
  if (first && typeof first === 'object' && 'file' in first && 'span' in first) {
    const f = first as { file: unknown; span: unknown };
    if (typeof f.file === 'string' && f.span && typeof f.span === 'object')
      return { file: f.file, span: f.span as Span };
  }
  return undefined;
}

export interface Rule<MessageId extends string = string> {
  meta: RuleMeta<MessageId>;
  /** Runs after every other rule, once suppressions are known (invalid-suppression). */
  phase?: 'suppressions';
  check(context: RuleContext<MessageId>): void;
}

/** Typed helper: message ids used in `report` must exist in `meta.messages`. */
export function defineRule<MessageId extends string>(rule: Rule<MessageId>): Rule<MessageId> {
  return rule;
}

/** Renders `"Failure of '{{call}}' ..."` with data. Unknown placeholders stay visible. */
export function renderMessage(template: string, data: Record<string, string> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) =>
    name in data ? data[name] : m,
  );
}
