/**
 * The one context object of reading a file: what every extractor of that file shares (the
 * source, its scope resolver, function numbering, spans, the configured names, a cache of
 * summarised failure paths). Built once per file by `extractFileFacts`; nothing outlives it.
 */
import type { ts, FunctionNode, Node, Span } from './ast.js';
import type { Resolver } from './values.js';
import type { ProjectSpecifiers } from './project-code.js';
import type { FailurePath } from './types.js';
import type { MonitoringOptions } from './monitoring.js';
import type { LimiterOptions } from '../libraries/limiters.js';

/** What the configuration adds to reading a file. */
export interface ExtractOptions {
  monitoring: MonitoringOptions;
  limiters: LimiterOptions;
  /** Which imports are the project's own code (the monorepo's packages among them). */
  specifiers: ProjectSpecifiers;
}

export interface FileContext {
  /** Absolute path of the file. */
  file: string;
  sf: ts.SourceFile;
  resolver: Resolver;
  monitoring: MonitoringOptions;
  limiters: LimiterOptions;
  /** The file-local id of a function (its index in `FileFacts.functions`). */
  fnId: (node: FunctionNode) => number;
  span: (node: Node) => Span;
  /** Failure paths already summarised, by their node: a catch serves every call in its try. */
  cache: Map<Node, FailurePath>;
}
