/**
 * The shape of a rule: metadata (pure data) plus one `check` that turns facts into reports.
 * A rule never formats, prints or exits; the engine renders messages and locations.
 */
import type { Span } from './analysis/ast.js';
import type { Facts } from './analysis/facts.js';
import type { JwtAuditConfig } from './config.js';
import type { RuleMeta } from './types.js';
import type { DirectiveProblem } from './suppressions.js';

export interface RelatedSpan {
  file: string;
  span: Span;
  label: string;
}

export interface Report<MessageId extends string> {
  /** Absolute path of the file. */
  file: string;
  span: Span;
  messageId: MessageId;
  /** Values for the message's `{{placeholders}}`. */
  data?: Record<string, string>;
  related?: RelatedSpan[];
  /** Enclosing function and normalised code, for the line-independent fingerprint. */
  scope: string;
  code: string;
}

export interface RuleContext<MessageId extends string> {
  facts: Facts;
  config: JwtAuditConfig;
  /** Problems with inline suppression directives (only for the rule that reports them). */
  directiveProblems: readonly DirectiveProblem[];
  report(report: Report<MessageId>): void;
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
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (m, name: string) => (name in data ? data[name] : m));
}
