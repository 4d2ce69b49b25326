/**
 * Project functions across files: resolves recorded call targets (imports, re-exports, class
 * methods) to functions, then answers, for every function at once, whether its body monitors
 * (transitively, any depth, cycles safe), whether it lets a JWT verification error escape
 * (a wrapper), and whether it signs a token.
 */
import type { FileFacts, ExportTarget, FunctionFact } from '../file/types.js';
import type { CallTarget } from '../file/call-targets.js';
import { apiOfValue, type JwtApi } from '../libraries/jwt-apis.js';
import { ANY_MEMBER, CALL_RESULT } from '../file/values.js';
import { SCHEMA_CLASS } from '../file/schema-methods.js';
import type { ModuleResolver } from './module-resolution.js';

export interface FnRef {
  file: string;
  fn: number;
}

export type Resolved = { kind: 'fn'; ref: FnRef } | { kind: 'jwt'; api: JwtApi };

export class CallGraph {
  private readonly byFile: Map<string, FileFacts>;
  /** lower-case class name -> declarations across the project */
  private readonly classIndex = new Map<
    string,
    Array<{ file: string; methods: ReadonlyMap<string, number> }>
  >();
  private readonly monitored = new Set<number>();
  private readonly wrappers = new Map<number, JwtApi>();
  private readonly callbackWrappers = new Map<number, number>();
  private readonly signers = new Set<number>();
  private readonly resolveCache = new Map<string, Resolved[]>();
  /** Where each file's functions start in the project-wide numbering of `refKey`. */
  private readonly firstKey = new Map<string, number>();
  private nextKey = 0;

  constructor(
    files: readonly FileFacts[],
    private readonly modules: ModuleResolver,
  ) {
    this.byFile = new Map(files.map((f) => [f.file, f]));
    for (const f of files) {
      this.firstKey.set(f.file, this.nextKey);
      this.nextKey += f.functions.length;
    }
    for (const f of files) {
      for (const [name, cls] of Object.entries(f.classes)) {
        const k = name.toLowerCase();
        const list = this.classIndex.get(k) ?? [];
        list.push({ file: f.file, methods: cls.methods });
        this.classIndex.set(k, list);
      }
    }
    this.computeMonitored();
    this.computeWrappers();
    this.computeSigners();
  }

  /**
   * One number per project function, for sets and maps of functions: cheaper than building and
   * hashing a text key (`${fn}@${file}`) for every edge of every walk.
   */
  refKey(ref: FnRef): number {
    let first = this.firstKey.get(ref.file);
    if (first === undefined) {
      // a file without facts: numbered after every known one, with room for any function id
      first = this.nextKey;
      this.nextKey += 1 << 20;
      this.firstKey.set(ref.file, first);
    }
    return first + ref.fn;
  }

  files(): Iterable<FileFacts> {
    return this.byFile.values();
  }

  file(path: string): FileFacts | undefined {
    return this.byFile.get(path);
  }

  fn(ref: FnRef): FunctionFact | undefined {
    return this.byFile.get(ref.file)?.functions[ref.fn];
  }

  isMonitored(ref: FnRef): boolean {
    return this.monitored.has(this.refKey(ref));
  }

  /** The JWT API whose error escapes from this function, if it is a verification wrapper. */
  wrapperApi(ref: FnRef): JwtApi | undefined {
    return this.wrappers.get(this.refKey(ref));
  }

  callbackWrapperIndex(ref: FnRef): number | undefined {
    return this.callbackWrappers.get(this.refKey(ref));
  }

  /** The function signs a token, itself or through project functions it calls. */
  signs(ref: FnRef): boolean {
    return this.signers.has(this.refKey(ref));
  }

  /** What a call recorded in `fromFile` can land on. */
  resolve(fromFile: string, target: CallTarget): Resolved[] {
    // a recorded target is one object resolved many times (monitoring, signers, callers, rules):
    // remember it by identity before paying for a text key
    const seen = this.byTarget.get(target);
    if (seen && seen.file === fromFile) return seen.out;
    let out: Resolved[];
    if (target.kind === 'local') out = this.compute(fromFile, target);
    else {
      const cacheKey = this.textKey(fromFile, target);
      out = this.resolveCache.get(cacheKey) ?? this.compute(fromFile, target);
      this.resolveCache.set(cacheKey, out);
    }
    this.byTarget.set(target, { file: fromFile, out });
    return out;
  }

  private readonly byTarget = new Map<CallTarget, { file: string; out: Resolved[] }>();

  /**
   * Equal targets, equal keys, shared as widely as the answer holds: an export path of a project
   * module by the file it resolves to (every importer of `./auth` shares it), a receiver's method
   * from any file.
   */
  private textKey(fromFile: string, target: Exclude<CallTarget, { kind: 'local' }>): string {
    switch (target.kind) {
      case 'module': {
        if (!this.modules.specifiers.has(target.source))
          return `l\0${target.source}\0${target.path.join('\0')}`;
        const file = this.modules.resolve(fromFile, target.source);
        return file ? `e\0${file}\0${target.path.join('\0')}` : 'none';
      }
      case 'method':
        return `c\0${fromFile}\0${target.className}\0${target.method}`;
      case 'receiver':
        return `r\0${target.receiver}\0${target.method}`;
    }
  }

  /** Does a call made from `fromFile` reach a monitoring function? */
  targetMonitors(fromFile: string, target: CallTarget): boolean {
    return this.resolve(fromFile, target).some((r) => r.kind === 'fn' && this.isMonitored(r.ref));
  }

  /**
   * `depth` counts the re-export hops followed so far: cyclic re-exports (`a` re-exports `b`
   * re-exports `a`) end there.
   */
  private compute(fromFile: string, target: CallTarget, depth = 0): Resolved[] {
    switch (target.kind) {
      case 'local':
        return [{ kind: 'fn', ref: { file: fromFile, fn: target.fn } }];
      case 'module': {
        if (!this.modules.specifiers.has(target.source)) {
          const api = apiOfValue({ kind: 'module', source: target.source, path: target.path });
          return api ? [{ kind: 'jwt', api }] : [];
        }
        if (depth > 8) return [];
        const file = this.modules.resolve(fromFile, target.source);
        const out = file ? this.resolveExportPath(file, target.path, depth) : [];
        if (out.length === 0 && file) return this.schemaMethod(file, target.path);
        return out;
      }
      case 'method': {
        const cls = this.byFile.get(fromFile)?.classes[target.className];
        const id = cls?.methods.get(target.method);
        if (id !== undefined) return [{ kind: 'fn', ref: { file: fromFile, fn: id } }];
        return this.byReceiver(target.className, target.method);
      }
      case 'receiver':
        return this.byReceiver(target.receiver, target.method);
    }
  }

  /**
   * A mongoose model's static (`User.findAndGenerateToken(...)`) or a document's method
   * (`(await Account.findOne(q).exec()).accessToken()`), by name: in the model's own module, or
   * in any module declaring schema methods when the path is a model's member or a query's result.
   */
  private schemaMethod(file: string, path: readonly string[]): Resolved[] {
    const last = path[path.length - 1];
    if (!last || last === CALL_RESULT) return [];
    const own = this.byFile.get(file)?.classes[SCHEMA_CLASS]?.methods.get(last);
    if (own !== undefined) return [{ kind: 'fn', ref: { file, fn: own } }];
    if (path.length === 2 || path.includes(CALL_RESULT)) return this.byReceiver(SCHEMA_CLASS, last);
    return [];
  }

  /** `this.authService.check()` -> `AuthService#check` in whichever file declares it. */
  private byReceiver(receiver: string, method: string): Resolved[] {
    const list = this.classIndex.get(receiver.toLowerCase()) ?? [];
    const out: Resolved[] = [];
    for (const c of list) {
      const id = c.methods.get(method);
      if (id !== undefined) out.push({ kind: 'fn', ref: { file: c.file, fn: id } });
    }
    return out;
  }

  private resolveExportPath(file: string, path: string[], depth: number): Resolved[] {
    if (depth > 8) return [];
    const facts = this.byFile.get(file);
    if (!facts) return [];
    let p = path.length === 0 ? ['default'] : path;
    if (p[0] === 'default' && !facts.exports.default && p.length > 1) p = p.slice(1);
    const [name, ...rest] = p;
    const exported = facts.exports[name];
    if (exported) return this.applyRest(file, exported, rest, depth);
    for (const star of facts.starExports) {
      const target = this.modules.resolve(file, star);
      if (target) {
        const r = this.resolveExportPath(target, p, depth + 1);
        if (r.length > 0) return r;
      }
    }
    return [];
  }

  private applyRest(file: string, target: ExportTarget, rest: string[], depth: number): Resolved[] {
    switch (target.kind) {
      case 'fn': {
        if (rest.length === 0) return [{ kind: 'fn', ref: { file, fn: target.fn } }];
        // `(await loadWeb()).default`: a lazy loader's result is the module it imports
        const loads =
          rest[0] === CALL_RESULT
            ? this.byFile.get(file)?.functions[target.fn]?.returnsModule
            : undefined;
        return loads !== undefined
          ? this.compute(file, { kind: 'module', source: loads, path: rest.slice(1) }, depth + 1)
          : [];
      }
      case 'jwt':
        return rest.length === 0 ? [{ kind: 'jwt', api: target.api }] : [];
      case 'class': {
        const method = rest[0] === '#instance' ? rest[1] : rest[0];
        const id = method
          ? this.byFile.get(file)?.classes[target.name]?.methods.get(method)
          : undefined;
        return id !== undefined ? [{ kind: 'fn', ref: { file, fn: id } }] : [];
      }
      case 'object': {
        if (rest.length === 0) return [];
        // services[name]: every member may be the one
        if (rest[0] === ANY_MEMBER)
          return Object.values(target.members).flatMap((m) =>
            this.applyRest(file, m, rest.slice(1), depth + 1),
          );
        const m = target.members[rest[0]];
        return m ? this.applyRest(file, m, rest.slice(1), depth) : [];
      }
      case 'module':
        return this.compute(
          file,
          { kind: 'module', source: target.source, path: [...target.path, ...rest] },
          depth + 1,
        );
      case 'verifier':
      case 'app':
        return [];
    }
  }

  /** The app (router, sub-app) an import of a project module names: `require('./routes/auth')`. */
  /**
   * Is the export at `path` of a project module token-verifying middleware (`auth.required` of
   * `const auth = { required: expressjwt({...}) }; export default auth`)?
   */
  verifierAt(fromFile: string, source: string, path: string[], depth = 0): boolean {
    if (depth > 8 || !this.modules.specifiers.has(source)) return false;
    const file = this.modules.resolve(fromFile, source);
    const facts = file ? this.byFile.get(file) : undefined;
    if (!file || !facts) return false;
    let p = path.length === 0 ? ['default'] : path;
    if (p[0] === 'default' && !facts.exports.default && p.length > 1) p = p.slice(1);
    let t: ExportTarget | undefined = facts.exports[p[0]];
    for (const name of p.slice(1)) t = t?.kind === 'object' ? t.members[name] : undefined;
    if (t?.kind === 'module' && p.length === 1)
      return this.verifierAt(file, t.source, t.path, depth + 1);
    return t?.kind === 'verifier';
  }

  appAt(
    fromFile: string,
    source: string,
    path: string[],
    depth = 0,
  ): { file: string; app: number } | undefined {
    if (depth > 8 || !this.modules.specifiers.has(source)) return undefined;
    const file = this.modules.resolve(fromFile, source);
    const facts = file ? this.byFile.get(file) : undefined;
    if (!file || !facts) return undefined;
    let p = path.length === 0 ? ['default'] : path;
    if (p[0] === 'default' && !facts.exports.default && p.length > 1) p = p.slice(1);
    if (p.length !== 1) return undefined;
    const exported = facts.exports[p[0]];
    if (exported?.kind === 'app') return { file, app: exported.app };
    if (exported?.kind === 'module')
      return this.appAt(file, exported.source, exported.path, depth + 1);
    if (exported) return undefined;
    for (const star of facts.starExports) {
      const found = this.appAt(file, star, p, depth + 1);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * Callers of each function, through the resolved call edges (built once: monitoring, signers and
   * `callers` share it).
   */
  private callerIndex(): Map<number, FnRef[]> {
    if (this.callersByKey) return this.callersByKey;
    const reverse = new Map<number, FnRef[]>();
    for (const facts of this.byFile.values()) {
      facts.functions.forEach((fn, id) => {
        const caller = { file: facts.file, fn: id };
        for (const t of fn.calls) {
          for (const r of this.resolve(facts.file, t)) {
            if (r.kind !== 'fn') continue;
            const k = this.refKey(r.ref);
            const list = reverse.get(k) ?? [];
            list.push(caller);
            reverse.set(k, list);
          }
        }
      });
    }
    return (this.callersByKey = reverse);
  }

  private callersByKey: Map<number, FnRef[]> | undefined;

  private propagate(seeds: FnRef[], reverse: Map<number, FnRef[]>, into: Set<number>): void {
    const queue = [...seeds];
    for (const s of seeds) into.add(this.refKey(s));
    while (queue.length > 0) {
      const cur = queue.pop()!;
      for (const caller of reverse.get(this.refKey(cur)) ?? []) {
        const k = this.refKey(caller);
        if (into.has(k)) continue;
        into.add(k);
        queue.push(caller);
      }
    }
  }

  /**
   * Project functions that call this one (resolved call edges). A function's nested functions are
   * among its calls (what they do counts for it), so by default the function a callback is
   * defined in is its caller; `definedIn: false` leaves those out (a route handler defined inside
   * a setup function is called by the framework, not by the setup).
   */
  callers(ref: FnRef, options: { definedIn?: boolean } = {}): readonly FnRef[] {
    const all = this.callerIndex().get(this.refKey(ref)) ?? [];
    if (options.definedIn !== false) return all;
    const inner = this.fn(ref)?.span;
    if (!inner) return all;
    return all.filter((c) => c.file !== ref.file || !contains(this.fn(c)?.span, inner));
  }

  /**
   * The one reachability walk of the analysis: `start`, then every project function it calls,
   * directly or through others, across files, to any depth, each once (SPEC: monitoring follows
   * calls into project functions "to any depth"). `via: 'success'` follows only the calls a
   * handler makes on its success path. The monitored/signing/wrapper passes below answer the
   * same question for every function at once.
   */
  *reachable(start: FnRef, via: 'all' | 'success' = 'all'): Generator<FnRef> {
    const seen = new Set<number>([this.refKey(start)]);
    const stack: FnRef[] = [start];
    while (stack.length > 0) {
      const ref = stack.pop()!;
      const fn = this.fn(ref);
      if (!fn) continue;
      yield ref;
      const calls = via === 'success' ? (fn.handler?.successCalls ?? []) : fn.calls;
      for (let i = calls.length - 1; i >= 0; i--) {
        for (const r of this.resolve(ref.file, calls[i])) {
          if (r.kind !== 'fn') continue;
          const k = this.refKey(r.ref);
          if (seen.has(k)) continue;
          seen.add(k);
          stack.push(r.ref);
        }
      }
    }
  }

  /**
   * The same walk backwards: `start`, then every project function that calls it, directly or
   * through others, to any depth, each once (nearest first).
   */
  *callersAbove(start: FnRef, options: { definedIn?: boolean } = {}): Generator<FnRef> {
    const seen = new Set<number>([this.refKey(start)]);
    const queue: FnRef[] = [start];
    for (let i = 0; i < queue.length; i++) {
      yield queue[i];
      for (const caller of this.callers(queue[i], options)) {
        const k = this.refKey(caller);
        if (seen.has(k)) continue;
        seen.add(k);
        queue.push(caller);
      }
    }
  }

  /** Does `start`, or a project function it reaches (`reachable`), satisfy `test`? */
  reaches(
    start: FnRef,
    test: (fn: FunctionFact, ref: FnRef) => boolean,
    via: 'all' | 'success' = 'all',
  ): boolean {
    for (const ref of this.reachable(start, via)) if (test(this.fn(ref)!, ref)) return true;
    return false;
  }

  private computeMonitored(): void {
    const reverse = this.callerIndex();
    const seeds: FnRef[] = [];
    for (const facts of this.byFile.values())
      for (const [id, fn] of facts.functions.entries())
        if (fn.monitors) seeds.push({ file: facts.file, fn: id });
    this.propagate(seeds, reverse, this.monitored);
  }

  private computeSigners(): void {
    const reverse = this.callerIndex();
    const seeds: FnRef[] = [];
    for (const facts of this.byFile.values())
      for (const [id, fn] of facts.functions.entries())
        if (fn.signs) seeds.push({ file: facts.file, fn: id });
    this.propagate(seeds, reverse, this.signers);
  }

  /**
   * A wrapper lets a verification error escape: it holds a verification (or a call of another
   * wrapper) with no handler of its own. Fixpoint over the calls that propagate.
   */
  private computeWrappers(): void {
    const queue: FnRef[] = [];
    const mark = (ref: FnRef, api: JwtApi) => {
      const k = this.refKey(ref);
      if (this.wrappers.has(k)) return;
      this.wrappers.set(k, api);
      queue.push(ref);
    };
    // callers whose call of X propagates, by X
    const propagatingCallers = new Map<number, FnRef[]>();
    for (const facts of this.byFile.values()) {
      for (const site of facts.verifySites) {
        if (site.fn < 0) continue;
        if (escapes(facts, site.handling))
          mark(
            { file: facts.file, fn: site.fn },
            { library: site.library, operation: 'verify', mode: 'async' },
          );
        if (site.handling.kind === 'callback-param')
          this.callbackWrappers.set(
            this.refKey({ file: facts.file, fn: site.fn }),
            site.handling.index,
          );
      }
      for (const call of facts.projectCalls) {
        if (call.fn < 0 || !escapes(facts, call.handling)) continue;
        const caller = { file: facts.file, fn: call.fn };
        for (const r of this.resolve(facts.file, call.target)) {
          if (r.kind === 'jwt' && r.api.operation === 'verify') mark(caller, r.api);
          if (r.kind === 'fn') {
            const list = propagatingCallers.get(this.refKey(r.ref)) ?? [];
            list.push(caller);
            propagatingCallers.set(this.refKey(r.ref), list);
          }
        }
      }
    }
    while (queue.length > 0) {
      const cur = queue.pop()!;
      const api = this.wrappers.get(this.refKey(cur))!;
      for (const caller of propagatingCallers.get(this.refKey(cur)) ?? []) mark(caller, api);
    }
  }
}

/** The error leaves the function: no handler, or a `catch` that only throws a (new) error. */
function escapes(
  facts: FileFacts,
  handling: FileFacts['verifySites'][number]['handling'],
): boolean {
  return (
    handling.kind === 'propagates' ||
    (handling.kind === 'handled' && !!facts.failurePaths[handling.path]?.rethrows)
  );
}

/** Does the span `outer` contain `inner`? */
function contains(outer: FunctionFact['span'] | undefined, inner: FunctionFact['span']): boolean {
  if (!outer) return false;
  const startsBefore =
    outer.startLine < inner.startLine ||
    (outer.startLine === inner.startLine && outer.startColumn <= inner.startColumn);
  const endsAfter =
    outer.endLine > inner.endLine ||
    (outer.endLine === inner.endLine && outer.endColumn >= inner.endColumn);
  return startsBefore && endsAfter;
}
