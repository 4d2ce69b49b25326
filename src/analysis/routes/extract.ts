/**
 * Per-file route facts (routes, middleware chains, mounts, denylists). Filled in by the
 * endpoint-rules work; the verification rules do not need them.
 */
import type { ts } from '../ast.js';
import type { Span, Node } from '../ast.js';
import type { Resolver } from '../values.js';
import type { FunctionNode } from '../ast.js';
import type { MonitoringOptions } from '../monitoring.js';
import type { RegionContext } from '../failure-paths.js';

export interface RouteExtractContext {
  resolver: Resolver;
  fnId: (node: FunctionNode) => number;
  span: (node: Node) => Span;
  monitoring: MonitoringOptions;
  region: RegionContext;
}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RouteFileFacts {}

export function extractRouteFacts(_sf: ts.SourceFile, _ctx: RouteExtractContext): RouteFileFacts {
  return {};
}
