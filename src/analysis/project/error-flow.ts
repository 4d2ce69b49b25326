/**
 * Where a propagated error ends (SPEC "Where a propagated error ends"): from a function that lets
 * an error out (`throw`, `next(err)`, `ctx.throw`), follow it up through the project's callers —
 * a caller's `try`/`catch` handles it, or it escapes again — to the framework that serves the
 * route, and judge the place it lands with the monitoring definition: the app's error
 * middleware, filter or `onError`, or the framework's default handling. A place the scan cannot
 * see (no app, a handler from a package) is recorded: never guess a finding.
 */
import type { FailurePath, FileFacts } from '../file/types.js';
import type {
  ErrorHandlerFact,
  ErrorJudgement,
  MiddlewareVerifier,
  PassportAuthenticate,
} from '../file/error-handler-types.js';
import type { Framework } from '../file/routes/types.js';
import type { CallGraph, FnRef } from './call-graph.js';
import type { RelatedSpan } from './located.js';
import type { RouteFacts } from './routes.js';

/** An HTTP 4xx error, or any other error (answered 500). */
export type ErrorKind = 'auth' | 'plain';

export interface ErrorEnd {
  recorded: boolean;
  /** The handler that answers without a log ("answered here without a log"). */
  handler?: RelatedSpan;
  /** The error ends in a framework's handling (not in a project `catch`). */
  atFramework?: boolean;
  /** The failure path itself only propagates: the end was found by following it. */
  propagated?: boolean;
}

const RECORDED: ErrorEnd = { recorded: true };
const ANSWERED = 'answered here without a log';

interface Located {
  file: string;
  fact: ErrorHandlerFact;
}

export class ErrorFlow {
  private readonly handlers = new Map<ErrorHandlerFact['kind'], Located[]>();
  private readonly fastifyLoggers: boolean[] = [];
  private readonly nestGlobalFilters: string[] = [];
  private readonly nestGlobalInterceptors: string[] = [];
  private readonly nestScoped = new Map<string, string[]>();
  private readonly classes = new Set<string>();
  private readonly routeFrameworks = new Map<number, Set<Framework>>();
  private readonly routeHandlers = new Set<number>();
  private readonly memo = new Map<string, ErrorEnd>();
  /** While judging a verifier registered on a named app of a file: that app's handlers only. */
  private scope: { file: string; owner: string } | undefined;
  private readonly frameworks = new Set<Framework>();
  private readonly passportJwt: Array<{ file: string; auth: PassportAuthenticate }> = [];
  private readonly passportLocal: Array<{ file: string; auth: PassportAuthenticate }> = [];
  private readonly authGuards: Array<{ file: string; name: string; handle?: ErrorJudgement }> = [];
  /** Where koa-jwt's jwtOriginalError is read: `file\0app`, or `file\0*`. */
  private readonly originalErrorReaders = new Set<string>();
  /** Middleware verifiers constructed in the project. */
  readonly verifiers: Array<{ file: string; verifier: MiddlewareVerifier }> = [];

  constructor(
    private readonly graph: CallGraph,
    routes: RouteFacts,
  ) {
    for (const f of graph.files()) {
      for (const name of Object.keys(f.classes)) this.classes.add(name);
      for (const app of f.routes.apps) this.frameworks.add(app.framework);
      const eh = f.errorHandlers;
      if (!eh) continue;
      for (const fact of eh.handlers) {
        const list = this.handlers.get(fact.kind) ?? [];
        list.push({ file: f.file, fact });
        this.handlers.set(fact.kind, list);
      }
      for (const v of eh.verifiers ?? []) this.verifiers.push({ file: f.file, verifier: v });
      for (const a of eh.passportJwt ?? []) this.passportJwt.push({ file: f.file, auth: a });
      for (const a of eh.passportLocal ?? []) this.passportLocal.push({ file: f.file, auth: a });
      for (const g of eh.authGuards ?? []) this.authGuards.push({ file: f.file, ...g });
      for (const r of eh.readsOriginalError ?? []) this.originalErrorReaders.add(`${f.file}\0${r}`);
      this.fastifyLoggers.push(...eh.fastifyLoggers);
      this.nestGlobalFilters.push(...eh.nestGlobalFilters);
      this.nestGlobalInterceptors.push(...eh.nestGlobalInterceptors);
      for (const [cls, filters] of Object.entries(eh.nestScopedFilters))
        this.nestScoped.set(cls, [...(this.nestScoped.get(cls) ?? []), ...filters]);
    }
    const entry = (ref: FnRef, framework: Framework) => {
      const k = graph.refKey(ref);
      const set = this.routeFrameworks.get(k) ?? new Set();
      set.add(framework);
      this.routeFrameworks.set(k, set);
    };
    for (const route of routes.routes) {
      for (const ref of route.functions) entry(ref, route.framework);
      if (route.handler) this.routeHandlers.add(graph.refKey(route.handler));
    }
    // middleware the apps `use` (and routes the linking could not place): the framework calls them
    for (const f of graph.files())
      for (const app of f.routes.apps)
        for (const decl of [...app.uses, ...app.routes])
          for (const item of decl.items)
            if (item.target)
              for (const r of graph.resolve(f.file, item.target))
                if (r.kind === 'fn') entry(r.ref, app.framework);
  }

  /**
   * The handlers of a kind that may take the error: with a scope, the scoped app's own (inline)
   * handlers when it has some, else every handler but those of the file's other apps.
   */
  private list(kind: ErrorHandlerFact['kind']): Located[] {
    const all = this.handlers.get(kind) ?? [];
    const scope = this.scope;
    if (!scope) return all;
    const own = all.filter((h) => h.file === scope.file && h.fact.owner === scope.owner);
    if (own.length > 0) return own;
    return all.filter((h) => h.file !== scope.file || !h.fact.owner);
  }

  /** Every error handler seen, for the inventory. */
  allHandlers(): Array<Located & { records4xx: boolean }> {
    const out: Array<Located & { records4xx: boolean }> = [];
    for (const list of this.handlers.values())
      for (const h of list) out.push({ ...h, records4xx: this.records(h, 'auth') !== false });
    return out;
  }

  /** Is a failure path monitored: it records, or what it propagates ends recorded? */
  pathEnd(file: string, fn: number, path: FailurePath): ErrorEnd {
    if (path.kind === 'callback-ignored') return { recorded: false };
    if (path.evidence.some((e) => e.kind !== 'propagate')) return RECORDED;
    if (path.calls.some((c) => this.graph.targetMonitors(file, c.target))) return RECORDED;
    const propagates =
      path.evidence.length > 0 ||
      path.calls.some((c) =>
        this.graph.resolve(file, c.target).some((r) => r.kind === 'fn' && this.propagates(r.ref)),
      );
    if (!propagates) return { recorded: false };
    if (fn < 0) return RECORDED;
    const end = this.fromFunction({ file, fn }, path.httpError ? 'auth' : 'plain');
    return { ...end, propagated: true };
  }

  private propagates(ref: FnRef): boolean {
    return !!this.graph.fn(ref)?.propagates;
  }

  /** An error of `kind` leaving function `ref`: where does it end, and is it recorded there? */
  fromFunction(ref: FnRef, kind: ErrorKind, depth = 0): ErrorEnd {
    const key = `${this.graph.refKey(ref)}:${kind}`;
    const known = this.memo.get(key);
    if (known) return known;
    // cycles and very deep chains: the scan cannot see the end
    this.memo.set(key, RECORDED);
    const end = depth > 12 ? RECORDED : this.compute(ref, kind, depth);
    this.memo.set(key, end);
    return end;
  }

  private compute(ref: FnRef, kind: ErrorKind, depth: number): ErrorEnd {
    const ends: ErrorEnd[] = [];
    const target = this.graph.refKey(ref);
    for (const caller of this.graph.callers(ref, { definedIn: false })) {
      const facts = this.graph.file(caller.file);
      if (!facts) continue;
      for (const call of facts.projectCalls) {
        if (call.fn !== caller.fn) continue;
        const hits = this.graph
          .resolve(caller.file, call.target)
          .some((r) => r.kind === 'fn' && this.graph.refKey(r.ref) === target);
        if (!hits) continue;
        ends.push(this.callEnd(facts, caller, call.handling, kind, depth));
      }
    }
    if (ends.length === 0 || this.isEntry(ref)) ends.push(this.atFramework(ref, kind));
    // a finding only when every way the error can go ends unrecorded
    return ends.find((e) => e.recorded) ?? ends[0];
  }

  private isEntry(ref: FnRef): boolean {
    return this.routeFrameworks.has(this.graph.refKey(ref));
  }

  private callEnd(
    facts: FileFacts,
    caller: FnRef,
    handling: FileFacts['projectCalls'][number]['handling'],
    kind: ErrorKind,
    depth: number,
  ): ErrorEnd {
    if (handling.kind === 'propagates') return this.fromFunction(caller, kind, depth + 1);
    if (handling.kind !== 'handled') return RECORDED;
    const path = facts.failurePaths[handling.path];
    if (!path) return RECORDED;
    const end = this.pathEnd(facts.file, caller.fn, path);
    if (end.recorded) return end;
    // caught by a project catch: that caller's own call is the failure (not the framework's)
    return {
      recorded: false,
      handler: end.handler ?? { file: facts.file, span: path.span, label: ANSWERED },
    };
  }

  /** The error leaves the project's code: the framework serving `ref` handles it. */
  private atFramework(ref: FnRef, kind: ErrorKind): ErrorEnd {
    const fn = this.graph.fn(ref);
    const fws = this.routeFrameworks.get(this.graph.refKey(ref));
    let framework: Framework | undefined;
    if (fws?.size === 1) framework = [...fws][0];
    else if (!fws && fn?.className && this.graph.file(ref.file)?.errorHandlers?.nest)
      framework = 'nestjs';
    else if (!fws && fn?.handedOver && this.frameworks.size === 1) {
      // a handler handed to a wrapper (`catchAsync(async (req, res) => ...)`) in a project served
      // by one framework: the wrapper passes its errors on to that framework
      const only = [...this.frameworks][0];
      if (only !== 'nestjs' && only !== 'nextjs') framework = only;
    }
    if (!framework) return RECORDED;
    const end = this.frameworkEnd(framework, ref, kind);
    return end.recorded ? end : { ...end, atFramework: true };
  }

  private frameworkEnd(framework: Framework, ref: FnRef, kind: ErrorKind): ErrorEnd {
    switch (framework) {
      case 'express':
        // no error middleware: the default handler prints every error
        return this.firstRecording(this.list('express-middleware'), kind) ?? RECORDED;
      case 'koa': {
        const mw = this.firstRecording(this.list('koa-middleware'), kind);
        if (mw && !mw.passed) return mw;
        const listeners = this.firstRecording(this.list('koa-listener'), kind);
        if (listeners) return listeners;
        // Koa's default prints nothing for exposed (4xx) errors
        return kind === 'auth' ? { recorded: false } : RECORDED;
      }
      case 'fastify': {
        const h = this.firstRecording(this.list('fastify-handler'), kind);
        if (h && !h.passed) return h;
        const visible = this.fastifyLoggers.length > 0;
        return !visible || this.fastifyLoggers.some(Boolean) ? RECORDED : { recorded: false };
      }
      case 'hono': {
        const h = this.firstRecording(this.list('hono-handler'), kind);
        if (h && !h.passed) return h;
        return kind === 'auth' ? { recorded: false } : RECORDED;
      }
      case 'nestjs':
        return this.nestEnd(ref, kind);
      default:
        return RECORDED;
    }
  }

  private nestEnd(ref: FnRef, kind: ErrorKind): ErrorEnd {
    return this.nestFilters(
      this.graph.fn(ref)?.className,
      this.routeHandlers.has(this.graph.refKey(ref)),
      kind,
    );
  }

  private nestFilters(className: string | undefined, handler: boolean, kind: ErrorKind): ErrorEnd {
    // a controller handler's error passes the global interceptors first (a guard's does not)
    if (handler) {
      for (const name of this.nestGlobalInterceptors) {
        if (NEST_NON_CATCHING.has(name)) continue;
        if (!this.classes.has(name)) return RECORDED; // from a package: cannot see
        const it = (this.handlers.get('nest-interceptor') ?? []).filter(
          (h) => h.fact.className === name,
        );
        const end = this.firstRecording(it, kind);
        if (end?.recorded) return end;
      }
    }
    const names = [...(className ? (this.nestScoped.get(className) ?? []) : [])];
    names.push(...this.nestGlobalFilters);
    // a finding only when every filter that may take the error is seen and answers without a log
    let silent: ErrorEnd | undefined;
    for (const name of names) {
      if (!this.classes.has(name)) return RECORDED; // a filter from a package
      const filters = (this.handlers.get('nest-filter') ?? []).filter(
        (h) => h.fact.className === name && catchesKind(h.fact, kind),
      );
      const end = this.firstRecording(filters, kind);
      if (!end) continue;
      if (end.recorded) return end;
      if (!end.passed) silent ??= end;
    }
    if (silent) return silent;
    // BaseExceptionFilter logs only errors that are not HttpException
    return kind === 'auth' ? { recorded: false } : RECORDED;
  }

  /**
   * A strategy's `done(null, false, info)` in function `ref`: NestJS's AuthGuard turns it into an
   * UnauthorizedException (its filters decide); under Express passport answers 401 without a log
   * unless an `authenticate()` custom callback records it, or `failWithError` hands it on.
   */
  strategyFailureEnd(ref: FnRef): ErrorEnd {
    const fn = this.graph.fn(ref);
    if (fn?.className && this.graph.file(ref.file)?.errorHandlers?.nest)
      return this.nestFilters(fn.className, false, 'auth');
    // no authenticate() in the scan: passport's own answer, a bare 401
    if (this.passportLocal.length === 0) return { recorded: false };
    for (const { file, auth } of this.passportLocal) {
      const cb = auth.callback;
      if (cb && (cb.logs || cb.passes || cb.calls.some((t) => this.graph.targetMonitors(file, t))))
        return RECORDED;
      if (auth.failWithError && this.frameworks.has('express')) {
        const end = this.frameworkEnd('express', ref, 'auth');
        if (end.recorded) return end;
      }
    }
    const first = this.passportLocal[0];
    return {
      recorded: false,
      handler: { file: first.file, span: first.auth.span, label: ANSWERED },
    };
  }

  /**
   * Where the failures of middleware that verifies for you end. `failOpen` when a bad token
   * carries on as anonymous (koa-jwt `passthrough: true` and nothing reads `jwtOriginalError`).
   */
  verifierEnd(file: string, v: MiddlewareVerifier): ErrorEnd & { failOpen?: string } {
    const at = (framework: Framework): ErrorEnd => {
      if (!this.frameworks.has(framework)) return RECORDED; // no app of it in the scan
      this.scope = v.owner ? { file, owner: v.owner } : undefined;
      const end = this.frameworkEnd(framework, { file: '', fn: -1 }, 'auth');
      this.scope = undefined;
      return end.recorded ? end : { ...end, atFramework: true };
    };
    const readers = [...this.originalErrorReaders];
    const readsOriginal =
      this.originalErrorReaders.has(`${file}\0${v.owner ?? '*'}`) ||
      this.originalErrorReaders.has(`${file}\0*`) ||
      readers.some((r) => !r.startsWith(`${file}\0`));
    switch (v.library) {
      case 'express-jwt':
        return at('express');
      case 'koa-jwt':
        if (v.passthrough)
          return readsOriginal
            ? RECORDED
            : { recorded: false, failOpen: 'passthrough: true lets a bad token through' };
        return at('koa');
      case 'hono/jwt':
        return at('hono');
      case 'passport-jwt': {
        // NestJS AuthGuard: UnauthorizedException into the filters (guards skip interceptors)
        if (v.nestClass) {
          const guards = this.authGuards.filter((g) => g.name === (v.strategyName ?? 'jwt'));
          // used only through guards the scan cannot see (a package's): recorded
          if (guards.length === 0) return RECORDED;
          for (const g of guards) {
            const h = g.handle;
            if (h && (h.logs || h.calls.some((t) => this.graph.targetMonitors(g.file, t))))
              return RECORDED;
          }
          const end = this.nestFilters(v.nestClass, false, 'auth');
          return end.recorded ? end : { ...end, atFramework: true };
        }
        if (this.passportJwt.length === 0) return RECORDED; // used where the scan cannot see
        for (const { file, auth } of this.passportJwt) {
          if (auth.failWithError) {
            const end = at('express');
            if (end.recorded) return end;
          }
          const cb = auth.callback;
          if (
            cb &&
            (cb.logs || cb.passes || cb.calls.some((t) => this.graph.targetMonitors(file, t)))
          )
            return RECORDED;
        }
        // passport answers done(null, false) with a bare 401
        const first = this.passportJwt[0];
        return {
          recorded: false,
          atFramework: true,
          handler: { file: first.file, span: first.auth.span, label: ANSWERED },
        };
      }
    }
  }

  /**
   * Judges a list of handlers in order: the first that records, or the first that answers without
   * a log. `passed`: every one hands the error on (the framework's default comes next).
   */
  private firstRecording(
    list: readonly Located[],
    kind: ErrorKind,
  ): (ErrorEnd & { passed?: boolean }) | undefined {
    if (list.length === 0) return undefined;
    let silent: Located | undefined;
    let passed = true;
    for (const h of list) {
      const r = this.records(h, kind);
      if (r === true) return RECORDED;
      if (r === 'passes') continue;
      passed = false;
      silent ??= h;
    }
    if (passed) return { recorded: false, passed: true };
    return {
      recorded: false,
      handler: { file: silent!.file, span: silent!.fact.span, label: ANSWERED },
    };
  }

  private records(h: Located, kind: ErrorKind): boolean | 'passes' {
    const j: ErrorJudgement = kind === 'auth' ? h.fact.auth : h.fact.plain;
    if (j.logs) return true;
    if (j.calls.some((t) => this.graph.targetMonitors(h.file, t))) return true;
    // next(err) in Express error middleware: another handler or the default prints it
    if (j.passes) return h.fact.kind === 'express-middleware' ? true : 'passes';
    return false;
  }
}

/** NestJS's own interceptors: none of them catches errors. */
const NEST_NON_CATCHING = new Set([
  'ClassSerializerInterceptor',
  'CacheInterceptor',
  'FileInterceptor',
  'FilesInterceptor',
  'FileFieldsInterceptor',
  'AnyFilesInterceptor',
  'NoFilesInterceptor',
]);

/** Does a NestJS filter's `@Catch(...)` take this kind of error? */
function catchesKind(fact: ErrorHandlerFact, kind: ErrorKind): boolean {
  const catches = fact.catches ?? [];
  if (catches.length === 0) return true;
  if (kind === 'auth')
    return catches.some((c) =>
      /^(HttpException|UnauthorizedException|ForbiddenException|BadRequestException)$/.test(c),
    );
  return catches.some((c) => /^(Error|Object)$/.test(c));
}
