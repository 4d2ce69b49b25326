/**
 * One walk per file over the compiler's nodes, recording the plain-data facts rules need:
 * functions (and whether they monitor), JWT verifications and their failure paths, calls into
 * project code (for cross-file monitoring and wrappers), exports, and token values written to
 * logs. The AST is released after this; everything cross-file works from these facts.
 */
import { extractErrorHandlers, rejectionPropagation } from './error-handlers.js';
import { extractMiddlewareVerifiers } from './middleware-verifiers.js';
import type {
  FunctionFact,
  HandlerFact,
  StoredHandling,
  VerifySite,
  ProjectCall,
  TokenLog,
  FileFacts,
  FailurePath,
} from './types.js';
import {
  ts,
  walk,
  spanOf,
  isFunctionLike,
  enclosingFunction,
  functionName,
  enclosingClassName,
  calleeLabel,
  normalisedText,
  unwrap,
  isTypeOnly,
  type FunctionNode,
  type Node,
  SK,
  NO_TOKENS,
} from './ast.js';
import { Resolver, lazyImportSource } from './values.js';
import {
  classifyJwtCall,
  isJoseSignChain,
  mayUseJwtApi,
  type JwtApi,
} from '../libraries/jwt-apis.js';
import { monitoringEvidence, splitWordsHasAny, type Evidence } from './monitoring.js';
import { handlingOf, executorPromise, type Handling } from './failure-paths.js';
import { callTarget, type CallTarget } from './call-targets.js';
import { tokenValue, isAuditWrite } from './token-values.js';
import { secretWork, gatedToTests, requiresCaller } from './routes/secret-work.js';
import { extractRouteFacts } from './routes/extract.js';
import { extractDenylistFacts } from './denylists.js';
import { schemaMethods, SCHEMA_CLASS } from './schema-methods.js';
import type { ExtractOptions, FileContext } from './context.js';
import { extractExports } from './exports.js';
import { textSignals } from './text-signals.js';
import { isLimiterCall, mayCallLimiter } from '../libraries/limiters.js';
import {
  isPasswordCheck,
  credentialFailure,
  assertFailure,
  rejectingStatement,
  inFailureBranch,
  tracksUsage,
  mentionsRefresh,
  namedRefreshVerifier,
} from './routes/handler-facts.js';

const CALLER_ARG = new RegExp(
  [
    '^(req|request|ctx|c|event)$|authorization|bearer|\\b(req|request|ctx|c',
    'event)\\.(headers?|cookies|get|header)\\b',
  ].join('|'),
  'i',
);
const LOG_KINDS = new Set<Evidence['kind']>(['log', 'telemetry', 'report', 'configured']);

export function extractFileFacts(
  file: string,
  sf: ts.SourceFile,
  options: ExtractOptions,
): FileFacts {
  const resolver = new Resolver(sf, options.specifiers);
  const fnIds = new Map<Node, number>();
  const fnNodes: FunctionNode[] = [];
  const fnId = (node: FunctionNode): number => {
    let id = fnIds.get(node);
    if (id === undefined) {
      id = fnNodes.length;
      fnIds.set(node, id);
      fnNodes.push(node);
    }
    return id;
  };
  const span = (node: Node) => spanOf(node, sf);
  const pathIds = new Map<FailurePath, number>();
  const failurePaths: FailurePath[] = [];
  const region: FileContext = {
    file,
    sf,
    resolver,
    monitoring: options.monitoring,
    limiters: options.limiters,
    fnId,
    span,
    cache: new Map(),
  };

  const store = (h: Handling): StoredHandling => {
    if (h.kind !== 'handled') return h;
    let id = pathIds.get(h.path);
    if (id === undefined) {
      id = failurePaths.length;
      failurePaths.push(h.path);
      pathIds.set(h.path, id);
    }
    return { kind: 'handled', path: id };
  };
  // The same catch serves many calls: summarise it once.
  const dedupe = new Map<string, FailurePath>();
  const canonical = (h: Handling): Handling => {
    if (h.kind !== 'handled') return h;
    const key =
      `${h.path.kind}:${h.path.span.startLine}:${h.path.span.startColumn}:` +
      `${h.path.span.endLine}:${h.path.span.endColumn}`;
    const seen = dedupe.get(key);
    if (seen) return { kind: 'handled', path: seen };
    dedupe.set(key, h.path);
    return h;
  };

  const functionInfo = new Map<
    number,
    { monitors: boolean; propagates?: boolean; calls: CallTarget[]; signs: boolean }
  >();
  const info = (id: number) => {
    let i = functionInfo.get(id);
    if (!i) functionInfo.set(id, (i = { monitors: false, calls: [], signs: false }));
    return i;
  };
  const handlerInfo = new Map<number, HandlerFact>();
  const handler = (id: number) => {
    let h = handlerInfo.get(id);
    if (!h)
      handlerInfo.set(
        id,
        (h = {
          limits: false,
          checksPassword: false,
          verifiesRefresh: false,
          logs: false,
          successLogs: false,
          successCalls: [],
          rejections: [],
        }),
      );
    return h;
  };
  // Cheap pre-filters: most files mention no limiter and no password.
  const text = sf.text;
  const spelled = textSignals(text);
  const mayLimit = mayCallLimiter(spelled, options.limiters);
  // Usage tracking is a property named like USAGE_FIELD, spelled unless an escape spells it.
  const mayTrackUsage = spelled.escapes || spelled.usage;
  const mayCheckPassword = spelled.password;
  const mayRejectLogin = mayCheckPassword || spelled.account;
  const mayUseJwt = mayUseJwtApi(spelled);
  const rejectionOf = (stmt: ts.IfStatement, o: number): void => {
    const failure = credentialFailure(stmt, resolver);
    if (!failure) return;
    const rejecting = rejectingStatement(failure.statements);
    if (!rejecting) return;
    let monitored = false;
    const calls: CallTarget[] = [];
    // monitoring counts on the failure path up to the rejection
    const path = failure.statements.slice(0, failure.statements.indexOf(rejecting) + 1);
    for (const st of path)
      walk(st, (n) => {
        if (isFunctionLike(n)) return false;
        if (!ts.isCallExpression(n)) return true;
        const ev = monitoringEvidence(n, resolver, options.monitoring, sf);
        if (ev && ev.kind !== 'propagate') monitored = true;
        else if (!ev) {
          const t = callTarget(n, resolver, fnId);
          if (t) calls.push(t);
        }
        return true;
      });
    const flow = rejectionPropagation(rejecting, region);
    if (flow.caught?.logs) monitored = true;
    if (flow.caught) calls.push(...flow.caught.calls);
    handler(o).rejections.push({
      span: span(rejecting),
      what: failure.what,
      monitored,
      calls,
      ...(flow.propagates ? { propagates: flow.propagates } : {}),
    });
  };
  // Code in a Promise executor runs as part of the function that creates the promise.
  const owner = (node: Node): number => {
    let fn = enclosingFunction(node);
    for (
      let executor = fn && executorPromise(fn);
      fn && executor;
      executor = fn && executorPromise(fn)
    )
      fn = enclosingFunction(executor);
    return fn ? fnId(fn) : -1;
  };
  // asked for every project call a function makes: named once per function
  const scopeNames = new Map<number, string>();
  const scopeName = (fnIndex: number): string => {
    if (fnIndex < 0) return '<module>';
    let named = scopeNames.get(fnIndex);
    if (named === undefined) {
      const node = fnNodes[fnIndex];
      const cls = enclosingClassName(node);
      const name = functionName(node) ?? '<anonymous>';
      scopeNames.set(fnIndex, (named = cls ? `${cls}.${name}` : name));
    }
    return named;
  };

  const verifySites: VerifySite[] = [];
  const projectCalls: ProjectCall[] = [];
  const tokenLogs: TokenLog[] = [];
  const monitors: FileFacts['monitors'] = [];
  /** Every call, in source order, for the denylist facts (so they need no walk of their own). */
  const callNodes: ts.CallExpression[] = [];

  /**
   * Classes, for the exports and the call graph's method index (collected here, not by a second
   * walk).
   */
  const classNodes: ts.ClassLikeDeclaration[] = [];

  const mayReadRequestToken = spelled.callerToken || spelled.request;
  /** `checkAuth(request)`, `verify(getBearerToken(req))`, `verify(token)` with `token` read from a
   *  header or cookie: the call works on what the request carries. */
  const readsRequest = (call: ts.CallExpression): boolean =>
    call.arguments.some((a) => {
      const arg = unwrap(a);
      if (CALLER_ARG.test(arg.getText(sf))) return true;
      if (!ts.isIdentifier(arg)) return false;
      const decl = resolver.findDeclaration(arg);
      return (
        decl?.kind === 'node' &&
        ts.isVariableDeclaration(decl.node) &&
        !!decl.node.initializer &&
        CALLER_ARG.test(decl.node.initializer.getText(sf))
      );
    });
  const recordTokenLog = (call: ts.CallExpression, logger: string, o: number): void => {
    for (const arg of call.arguments) {
      const tv = tokenValue(arg, resolver, sf);
      if (!tv) continue;
      tokenLogs.push({
        span: span(call),
        logger,
        what: tv.what,
        source: span(tv.source),
        scope: scopeName(o),
        code: normalisedText(call, sf),
      });
      return;
    }
  };

  walk(
    sf,
    (node) => {
      // types hold nothing this walk records, and they are a good part of TypeScript's nodes
      if (isTypeOnly(node)) return false;
      if (node.kind === SK.ClassDeclaration || node.kind === SK.ClassExpression)
        classNodes.push(node as ts.ClassLikeDeclaration);
      if (isFunctionLike(node)) {
        const id = fnId(node);
        if (node.body && ts.isBlock(node.body)) {
          if (gatedToTests(node.body)) handler(id).testOnly = true;
          if (requiresCaller(node.body)) handler(id).requiresCaller = true;
        }
        const parent = enclosingFunction(node);
        if (parent) {
          info(fnId(parent)).calls.push({ kind: 'local', fn: id });
          // a callback on the success path (`jwt.verify(rt, key, (err, claims) => {...})`) runs as
          // part of it
          if (!inFailureBranch(node.parent))
            handler(fnId(parent)).successCalls.push({ kind: 'local', fn: id });
        }
        return true;
      }
      // kind compares, not ts.isX: ts-morph re-exports TypeScript through getters (see SK), and
      // this runs for every node
      if (node.kind === SK.ThrowStatement) {
        const o = owner(node);
        if (o >= 0) info(o).propagates = true;
        return true;
      }
      if (mayRejectLogin && node.kind === SK.IfStatement) {
        const o = owner(node);
        if (o >= 0) rejectionOf(node as ts.IfStatement, o);
        return true;
      }
      // Koa's `ctx.assert(user, 401)`: the test and the rejection in one statement
      if (mayRejectLogin && node.kind === SK.ExpressionStatement) {
        const what = assertFailure(node as ts.ExpressionStatement, resolver);
        const o = what ? owner(node) : -1;
        if (what && o >= 0) {
          // it throws an HttpError: judged where that error ends, like ctx.throw(401)
          const flow = rejectionPropagation(node as ts.ExpressionStatement, region);
          handler(o).rejections.push({
            span: span(node),
            what,
            monitored: !!flow.caught?.logs,
            calls: flow.caught?.calls ?? [],
            ...(flow.propagates ? { propagates: flow.propagates } : {}),
          });
        }
        return true;
      }
      if (node.kind !== SK.CallExpression) return true;
      const call = node as ts.CallExpression;
      callNodes.push(call);
      const o = owner(call);
      if (o >= 0) {
        if (mayLimit && isLimiterCall(call, resolver, options.limiters)) handler(o).limits = true;
        if (mayCheckPassword && isPasswordCheck(call, resolver)) handler(o).checksPassword = true;
        // decorators (`@EnsureLogin()`) describe the method, they are not work it does
        else if (!handlerInfo.get(o)?.secretWork && !ts.isDecorator(call.parent)) {
          const work = secretWork(call, resolver);
          if (work) handler(o).secretWork = work;
        }
        if (mayTrackUsage && tracksUsage(call) && !inFailureBranch(call))
          handler(o).successLogs = true;
      }
      const jwt = mayUseJwt ? classifyJwtCall(call, resolver) : undefined;
      if (jwt) {
        if (jwt.operation === 'sign') {
          if (o >= 0) info(o).signs = true;
          return true;
        }
        if (o >= 0 && mentionsRefresh(call, sf)) handler(o).verifiesRefresh = true;
        // the token comes with the request (a header, a cookie): the function authenticates its
        // caller
        else if (o >= 0 && mayReadRequestToken && readsRequest(call))
          handler(o).checksCaller = true;
        const callbackArg = jwt.mode === 'either' ? lastFunctionishArg(call, jwt) : undefined;
        const handling = canonical(handlingOf(call, region, { callbackArg }));
        verifySites.push({
          span: span(call),
          label: calleeLabel(call, sf),
          library: jwt.library,
          fn: o,
          handling: store(handling),
          scope: scopeName(o),
          code: normalisedText(call, sf),
        });
        return true;
      }
      if (mayUseJwt && isJoseSignChain(call, resolver)) {
        if (o >= 0) info(o).signs = true;
        return true;
      }
      const evidence = monitoringEvidence(call, resolver, options.monitoring, sf);
      if (evidence) {
        if (o >= 0) {
          // propagation is monitoring only where the error ends recorded (project/error-flow.ts)
          if (evidence.kind === 'propagate') info(o).propagates = true;
          else info(o).monitors = true;
        }
        if (o >= 0 && evidence.kind !== 'propagate') {
          const h = handler(o);
          h.logs = true;
          if (!inFailureBranch(call)) h.successLogs = true;
        }
        const inner = enclosingFunction(call);
        monitors.push({
          label: evidence.label,
          kind: evidence.kind,
          span: span(call),
          fn: inner ? fnId(inner) : -1,
        });
        if (
          LOG_KINDS.has(evidence.kind) ||
          // a project helper named for logging is judged where it logs: only a token reaching its
          // logging call is a finding (`decodeAndLogToken(t)` logging a claim is not)
          (evidence.kind === 'name' &&
            splitWordsHasAny(evidence.label, ['log', 'logger', 'audit']) &&
            !callTarget(call, resolver, fnId))
        )
          recordTokenLog(call, evidence.label, o);
        return true;
      }
      // auditLog.append({ payload: { email, token } }): an audit record carrying the token
      if (isAuditWrite(call)) {
        recordTokenLog(call, calleeLabel(call, sf), o);
        // an audit record is a record of the revocation (unaudited-revocation), in the caller too
        const inner = enclosingFunction(call);
        monitors.push({
          label: calleeLabel(call, sf),
          kind: 'name',
          span: span(call),
          fn: inner ? fnId(inner) : -1,
        });
      }
      const target = callTarget(call, resolver, fnId);
      if (target) {
        if (o >= 0) info(o).calls.push(target);
        // it may verify through a wrapper: decided across files (project/endpoints.ts)
        if (o >= 0 && mayReadRequestToken && readsRequest(call)) {
          handler(o).requestToken = true;
          // getUserInfo(authorization): the caller's Authorization header handed to project code
          if (call.arguments.some((a) => /authorization|bearer/i.test(a.getText(sf))))
            handler(o).passesAuthorization = true;
        }
        if (o >= 0 && namedRefreshVerifier(call)) handler(o).verifiesRefresh = true;
        if (o >= 0 && !inFailureBranch(call)) handler(o).successCalls.push(target);
        const handling = canonical(handlingOf(call, region, {}));
        const callbacks: Record<number, number> = {};
        call.arguments.forEach((arg, i) => {
          const a = unwrap(arg);
          if (
            (ts.isArrowFunction(a) || ts.isFunctionExpression(a)) &&
            a.parameters.length >= 1 &&
            ts.isIdentifier(a.parameters[0].name) &&
            /^(err|error|e|ex|er|exception|verifyError|jwtError)$/i.test(a.parameters[0].name.text)
          ) {
            const h = canonical(handlingOf(call, region, { callbackArg: a }));
            const stored = store(h);
            if (stored.kind === 'handled') callbacks[i] = stored.path;
          }
        });
        projectCalls.push({
          span: span(call),
          label: calleeLabel(call, sf),
          target,
          fn: o,
          handling: store(handling),
          callbacks,
          scope: scopeName(o),
          code: normalisedText(call, sf),
        });
      }
      return true;
    },
    // tokens (identifiers, literals) are not recorded here, and hold nothing that is
    NO_TOKENS,
  );

  const functions: FunctionFact[] = fnNodes.map((node, id) => {
    const i = functionInfo.get(id);
    return {
      name: functionName(node),
      className: enclosingClassName(node),
      span: span(node),
      params: node.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : '')),
      monitors: i?.monitors ?? false,
      ...(i?.propagates ? { propagates: true } : {}),
      calls: i?.calls ?? [],
      signs: i?.signs ?? false,
      ...(handlerInfo.has(id) ? { handler: handlerInfo.get(id) } : {}),
      ...lazyLoader(node, resolver),
      ...handedOver(node, sf),
    };
  });
  // fnNodes may have grown while mapping (ids handed out lazily): map again for stragglers.
  for (let id = functions.length; id < fnNodes.length; id++) {
    const node = fnNodes[id];
    functions.push({
      name: functionName(node),
      className: enclosingClassName(node),
      span: span(node),
      params: [],
      monitors: false,
      calls: [],
      signs: false,
    });
  }

  const { facts: routes, appOfNode } = extractRouteFacts(sf, region, callNodes);
  const { exports, starExports, classes } = extractExports(
    sf,
    resolver,
    fnId,
    appOfNode,
    classNodes,
  );
  const schema = schemaMethods(sf, region);
  if (schema.size > 0) classes[SCHEMA_CLASS] = { methods: schema };
  // Every denylist fact needs a denylist-like name (DENYLIST_NAME) spelled somewhere in this file,
  // or a revocation option of a JWT middleware (`isRevoked`/`trusted`, a `*jwt*` module). Names
  // are pieces of the source text; an escape could spell one indirectly (mayEscapeNames), so
  // such files take the full path.
  // Revocation state (fields, allowlists) is state of a token or its session: a file spelling
  // `session` or `refresh` alone (express-session, a data refresh) has none to read.
  const mayDenylist =
    spelled.escapes ||
    spelled.denylist ||
    spelled.revocationOption ||
    (spelled.revocationState && spelled.tokenState);
  const denylists = mayDenylist
    ? extractDenylistFacts(sf, region, callNodes)
    : { lookups: [], options: [], writes: [] };
  const errorHandlers = extractErrorHandlers(region, callNodes, classNodes, fnNodes);
  extractMiddlewareVerifiers(region, callNodes, classNodes, errorHandlers);
  return {
    file,
    functions,
    classes,
    exports,
    starExports,
    failurePaths,
    verifySites,
    projectCalls,
    tokenLogs,
    monitors,
    routes,
    denylists,
    errorHandlers,
  };
}

function handedOver(node: FunctionNode, sf: ts.SourceFile): Pick<FunctionFact, 'handedOver'> {
  const p = node.parent;
  let to: string | undefined;
  if (ts.isCallExpression(p) && p.arguments.some((a) => a === node)) to = calleeLabel(p, sf);
  else if (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) to = p.name.getText(sf);
  else if (
    ts.isMethodDeclaration(node) &&
    (ts.isObjectLiteralExpression(p) || (ts.getDecorators(node)?.length ?? 0) > 0)
  )
    to = node.name.getText(sf);
  return to ? { handedOver: to } : {};
}

function lazyLoader(node: FunctionNode, resolver: Resolver): Pick<FunctionFact, 'returnsModule'> {
  const source = lazyImportSource(node);
  return source !== undefined && resolver.specifiers.has(source) ? { returnsModule: source } : {};
}

/**
 * The callback argument of an API that takes one (jsonwebtoken verify: the last function argument).
 */
const CALLBACK_NAME = new RegExp(
  [
    '^(cb|callback|done|next|fn|handler|resolve|verified|onVerified|onVerify',
    'onDone)$|(Callback|Cb|Handler)$',
  ].join('|'),
);

function lastFunctionishArg(call: ts.CallExpression, api: JwtApi): ts.Expression | undefined {
  if (api.mode !== 'either') return undefined;
  const args = call.arguments;
  if (args.length < 2) return undefined;
  const last = args[args.length - 1];
  const u = unwrap(last);
  if (ts.isArrowFunction(u) || ts.isFunctionExpression(u)) return last;
  // an identifier in 3rd/4th position is the callback only if it is named like one (not `options`)
  if (ts.isIdentifier(u) && args.length >= 3 && CALLBACK_NAME.test(u.text)) return last;
  return undefined;
}
