/**
 * The one route model every framework adapter feeds, linked across files (mounts, prefixes,
 * plugins). Filled in by the endpoint-rules work.
 */
import type { FileFacts } from '../extract.js';
import type { CallGraph } from '../call-graph.js';
import type { ModuleResolver } from '../module-resolution.js';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RouteFacts {}

export function buildRouteFacts(_files: readonly FileFacts[], _graph: CallGraph, _modules: ModuleResolver): RouteFacts {
  return {};
}
