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
import type { CallGraph, FnRef } from './call-graph.js';

/** A lookup whose revoked path rejects the request, judged across files. */
export interface RevocationHit {
  file: string;
  span: Span;
  label: string;
  store: string;
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

export function buildDenylistFacts(files: readonly FileFacts[], graph: CallGraph): DenylistFacts {
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
  const pathMonitored = (file: string, l: DenylistLookupFact, depth: number): boolean =>
    l.evidence.length > 0 ||
    l.calls.some((c) => graph.targetMonitors(file, c)) ||
    fnRefs(file, l.target).some((ref) => checkerMonitors(ref, depth + 1));
  /** A checker (`isRevoked()`) monitors when every path on which it answers "revoked" monitors. */
  const checkerMonitors = (ref: FnRef, depth: number): boolean => {
    if (depth > 4) return false;
    const answers = (byFn.get(graph.refKey(ref)) ?? []).filter(
      (x) => x.lookup.outcome === 'returns' && x.lookup.revokedValue === true,
    );
    return answers.length > 0 && answers.every((x) => pathMonitored(x.file, x.lookup, depth));
  };

  const reported = new Set<string>();
  for (const f of files) {
    for (const l of f.denylists.lookups) {
      const monitored =
        l.outcome === 'returns'
          ? l.revokedValue === true && pathMonitored(f.file, l, 0)
          : pathMonitored(f.file, l, 0);
      checks.push({ file: f.file, span: l.span, label: l.label, monitored });
      if (l.outcome !== 'rejects' || !l.branch) continue;
      reported.add(`${f.file}:${l.span.startLine}:${l.span.startColumn}`);
      hits.push({
        file: f.file,
        span: l.span,
        label: l.label,
        store: l.store,
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
          const monitored = pathMonitored(file, lookup, 0);
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
 * whether every caller of a function does.
 */
function recordingFunctions(
  files: readonly FileFacts[],
  graph: CallGraph,
): { audited(ref: FnRef): boolean } {
  const direct = new Set<number>();
  for (const f of files) {
    const spans = f.functions.map((fn) => fn.span);
    for (const m of f.monitors) {
      if (m.kind === 'propagate') continue;
      const id = innermost(spans, m.span);
      if (id >= 0) direct.add(graph.refKey({ file: f.file, fn: id }));
    }
  }
  const forward = new Map<number, boolean>();
  const recordsForward = (ref: FnRef, depth: number, seen: Set<number>): boolean => {
    const k = graph.refKey(ref);
    if (direct.has(k)) return true;
    const memo = forward.get(k);
    if (memo !== undefined) return memo;
    if (depth > 5 || seen.has(k)) return false;
    seen.add(k);
    const fn = graph.fn(ref);
    const result =
      !!fn &&
      fn.calls.some((t) =>
        graph
          .resolve(ref.file, t)
          .some((r) => r.kind === 'fn' && recordsForward(r.ref, depth + 1, seen)),
      );
    if (depth === 0) forward.set(k, result);
    return result;
  };
  let callers: Map<number, FnRef[]> | undefined;
  const callersOf = (ref: FnRef): FnRef[] => {
    if (!callers) {
      callers = new Map();
      for (const f of files) {
        f.functions.forEach((fn, id) => {
          for (const t of fn.calls) {
            for (const r of graph.resolve(f.file, t)) {
              if (r.kind !== 'fn') continue;
              // a function defined inside another is not called by it (a route handler is called by
              // the framework)
              if (r.ref.file === f.file && contains(fn.span, graph.fn(r.ref)?.span ?? fn.span))
                continue;
              const k = graph.refKey(r.ref);
              const list = callers!.get(k) ?? [];
              list.push({ file: f.file, fn: id });
              callers!.set(k, list);
            }
          }
        });
      }
    }
    return callers.get(graph.refKey(ref)) ?? [];
  };
  const audited = (ref: FnRef, depth: number, seen: Set<number>): boolean => {
    if (recordsForward(ref, 0, new Set())) return true;
    const k = graph.refKey(ref);
    if (depth > 3 || seen.has(k)) return false;
    seen.add(k);
    const up = callersOf(ref);
    return up.length > 0 && up.every((c) => audited(c, depth + 1, seen));
  };
  return { audited: (ref) => audited(ref, 0, new Set()) };
}

/** The innermost function whose span contains `span`, or -1. */
function innermost(spans: readonly Span[], span: Span): number {
  let best = -1;
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i];
    if (!contains(s, span)) continue;
    if (best < 0 || contains(spans[best], s)) best = i;
  }
  return best;
}

function contains(outer: Span, inner: Span): boolean {
  const startsBefore =
    outer.startLine < inner.startLine ||
    (outer.startLine === inner.startLine && outer.startColumn <= inner.startColumn);
  const endsAfter =
    outer.endLine > inner.endLine ||
    (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn);
  return startsBefore && endsAfter;
}
