/**
 * What every finished fact carries so that a rule can report it as it is: where it is, and what
 * identifies it independently of its line (the enclosing scope and normalised code, for the
 * line-independent fingerprint).
 */
import type { Span } from '../file/ast.js';

export interface Located {
  /** Absolute path of the file. */
  file: string;
  span: Span;
  /** Enclosing function (or route label) and normalised code, for the fingerprint. */
  scope: string;
  code: string;
}

/** A secondary location shown with a finding: a catch, a route registration, a mount point. */
export interface RelatedSpan {
  file: string;
  span: Span;
  label: string;
}
