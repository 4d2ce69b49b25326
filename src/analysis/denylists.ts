/**
 * Token denylists: lookups (is this token revoked?) and writes (revoke this token).
 * Filled in by the revocation-rules work.
 */
import type { ts } from './ast.js';
import type { RouteExtractContext } from './routes/extract.js';
import type { FileFacts } from './extract.js';
import type { CallGraph } from './call-graph.js';
import type { Facts } from './facts.js';
import type { Inventory } from '../types.js';
import type { Locate } from '../inventory.js';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DenylistFileFacts {}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DenylistFacts {}

export function extractDenylistFacts(_sf: ts.SourceFile, _ctx: RouteExtractContext): DenylistFileFacts {
  return {};
}

export function buildDenylistFacts(_files: readonly FileFacts[], _graph: CallGraph): DenylistFacts {
  return {};
}

export function buildDenylistInventory(_facts: Facts, _locate: Locate): Inventory['denylistChecks'] {
  return [];
}
