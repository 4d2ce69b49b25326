/**
 * Denylists across files: a hit is monitored when its rejecting branch monitors, or when the
 * checker it calls (`isRevoked()` in another file) monitors on its own revoked path; a write is
 * audited when its function records something (following project helpers), or every caller of it
 * does.
 */
import type { Span } from '../file/ast.js';
import type { CallTarget } from '../file/call-targets.js';
import type { FileFacts } from '../file/types.js';
import type { DenylistLookupFact, DenylistWriteFact } from '../file/denylist-types.js';
import type { ErrorFlow } from './error-flow.js';
import type { CallGraph, FnRef } from './call-graph.js';

/** A lookup whose revoked path rejects the request, judged across files. */
export interface RevocationHit {
  file: string;
  span: Span;
  label: string;
  store: string;
  /**
   * Revocation state that is not a named denylist: a revocation field of a token or session row,
   * or a server-side allowlist (SPEC (b), (c)).
   */
  state?: 'field' | 'allowlist';
  monitored: boolean;
  /** Where the request is rejected: the branch, or the library option that rejects it. */
  rejection: { file: string; span: Span; label: string };
  scope: string;
  code: string;
}

export interface DenylistCheck {
  file: string;
  span: Span;
  label: string;
  monitored: boolean;
}

export interface DenylistWrite extends DenylistWriteFact {
  file: string;
  /** Something records the revocation: the writing function or its helpers, or every caller. */
  audited: boolean;
}

export interface DenylistFacts {
  /** Lookups whose revoked path rejects the request (in code, or through a library option). */
  hits: RevocationHit[];
  /** Every denylist lookup recognised (inventory). */
  checks: DenylistCheck[];
  writes: DenylistWrite[];
}

export function buildDenylistFacts(
  files: readonly FileFacts[],
  graph: CallGraph,
  errorFlow?: ErrorFlow,
): DenylistFacts {
  const hits: RevocationHit[] = [];
  const checks: DenylistCheck[] = [];
  const writes: DenylistWrite[] = [];
  if (
    !files.some(
      (f) =>
        f.denylists.lookups.length + f.denylists.options.length + f.denylists.writes.length > 0,
    )
  )
    return { hits, checks, writes };

  // lookups by enclosing function, to answer "what does this checker do on a hit?"
  const byFn = new Map<number, Array<{ file: string; lookup: DenylistLookupFact }>>();
  for (const f of files) {
    for (const l of f.denylists.lookups) {
      const k = graph.refKey({ file: f.file, fn: l.fn });
      const list = byFn.get(k) ?? [];
      list.push({ file: f.file, lookup: l });
      byFn.set(k, list);
    }
  }
  const fnRefs = (file: string, target: CallTarget | undefined): FnRef[] =>
    target ? graph.resolve(file, target).flatMap((r) => (r.kind === 'fn' ? [r.ref] : [])) : [];

  /** The revoked path of one lookup monitors, itself or inside the checker it calls. */
  const pathMonitored = (file: string, l: DenylistLookupFact, seen: Set<number>): boolean =>
    l.evidence.length > 0 ||
    l.calls.some((c) => graph.targetMonitors(file, c)) ||
    (!!l.propagates &&
      (l.fn < 0 ||
        !errorFlow ||
        errorFlow.fromFunction({ file, fn: l.fn }, l.propagates).recorded)) ||
    fnRefs(file, l.target).some((ref) => checkerMonitors(ref, seen));
  /**
   * A checker (`isRevoked()`) monitors when every path on which it answers "revoked" monitors
   * (checkers calling checkers are followed to any depth; a cycle monitors nothing).
   */
  const checkerMonitors = (ref: FnRef, seen: Set<number>): boolean => {
    const k = graph.refKey(ref);
    if (seen.has(k)) return false;
    seen.add(k);
    const answers = (byFn.get(k) ?? []).filter(
      (x) => x.lookup.outcome === 'returns' && x.lookup.revokedValue === true,
    );
    const monitors =
      answers.length > 0 && answers.every((x) => pathMonitored(x.file, x.lookup, seen));
    seen.delete(k);
    return monitors;
  };

  const reported = new Set<string>();
  for (const f of files) {
    for (const l of f.denylists.lookups) {
      const monitored =
        l.outcome === 'returns'
          ? l.revokedValue === true && pathMonitored(f.file, l, new Set())
          : pathMonitored(f.file, l, new Set());
      checks.push({ file: f.file, span: l.span, label: l.label, monitored });
      if (l.outcome !== 'rejects' || !l.branch) continue;
      reported.add(`${f.file}:${l.span.startLine}:${l.span.startColumn}`);
      hits.push({
        file: f.file,
        span: l.span,
        label: l.label,
        store: l.store,
        ...(l.how === 'field' || l.how === 'allowlist' ? { state: l.how } : {}),
        monitored,
        rejection: { file: f.file, span: l.branch, label: 'revoked token rejected here' },
        scope: l.scope,
        code: l.code,
      });
    }
  }
  // Library hooks: the library rejects when the callback answers "revoked".
  for (const f of files) {
    for (const o of f.denylists.options) {
      const rejectValue = o.option === 'isRevoked';
      for (const ref of fnRefs(f.file, o.target)) {
        for (const { file, lookup } of byFn.get(graph.refKey(ref)) ?? []) {
          if (lookup.outcome !== 'returns' || lookup.revokedValue !== rejectValue) continue;
          const k = `${file}:${lookup.span.startLine}:${lookup.span.startColumn}`;
          if (reported.has(k)) continue;
          reported.add(k);
          const monitored = pathMonitored(file, lookup, new Set());
          const label = `${o.library} '${o.option}' option rejects the request`;
          hits.push({
            file,
            span: lookup.span,
            label: lookup.label,
            store: lookup.store,
            monitored,
            rejection: { file: f.file, span: o.span, label },
            scope: lookup.scope,
            code: lookup.code,
          });
          const check = checks.find((c) => c.file === file && c.span === lookup.span);
          if (check) check.monitored = monitored;
        }
      }
    }
  }

  // Writes: audited when the function (or a helper it calls) records, or every caller is audited.
  const allWrites = files.flatMap((f) => f.denylists.writes.map((w) => ({ ...w, file: f.file })));
  if (allWrites.length > 0) {
    const records = recordingFunctions(files, graph);
    for (const w of allWrites)
      writes.push({ ...w, audited: w.fn >= 0 && records.audited({ file: w.file, fn: w.fn }) });
  }
  return { hits, checks, writes };
}

/**
 * Which functions record something (a log, metric, report, a monitor-named or configured call —
 * not a `throw`, which records nothing of a revocation), following project calls forwards, and
 * whether every caller of a function does (the call graph's one reachability walk, both ways).
 */
function recordingFunctions(
  files: readonly FileFacts[],
  graph: CallGraph,
): { audited(ref: FnRef): boolean } {
  const direct = new Set<number>();
  for (const f of files)
    for (const m of f.monitors)
      if (m.kind !== 'propagate' && m.fn >= 0) direct.add(graph.refKey({ file: f.file, fn: m.fn }));
  const forward = new Map<number, boolean>();
  const records = (ref: FnRef): boolean => {
    const k = graph.refKey(ref);
    let answer = forward.get(k);
    if (answer === undefined) {
      answer = graph.reaches(ref, (_fn, r) => direct.has(graph.refKey(r)));
      forward.set(k, answer);
    }
    return answer;
  };
  // Audited: it records, or every function calling it (not merely defining it) is audited.
  const onPath = new Set<number>();
  const audited = (ref: FnRef): boolean => {
    if (records(ref)) return true;
    const k = graph.refKey(ref);
    if (onPath.has(k)) return false; // a cycle of callers records nothing by itself
    onPath.add(k);
    const up = graph.callers(ref, { definedIn: false });
    const answer = up.length > 0 && up.every((c) => audited(c));
    onPath.delete(k);
    return answer;
  };
  return { audited };
}
