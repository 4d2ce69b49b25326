/**
 * Token denylists: lookups (is this token revoked?) and writes (revoke this token), recognised
 * by the names of the stores they go through (denylists/names.ts), with what the code does on a
 * hit (denylists/outcome.ts). Library hooks count as lookups too: express-jwt's and koa-jwt's
 * `isRevoked` option (the library answers 401 when it returns true) and @fastify/jwt's `trusted`
 * option (401 when it returns false).
 *
 * Per file: plain data (lookups with their revoked path summarised, option hooks, writes).
 * Across files: a hit is monitored when its rejecting branch monitors, or when the checker it
 * calls (`isRevoked()` in another file) monitors on its own revoked path; a write is audited when
 * its function records something (following project helpers), or every caller of it does.
 */
import {
  ts,
  walk,
  unwrap,
  isFunctionLike,
  enclosingFunction,
  functionName,
  enclosingClassName,
  calleeName,
  calleeLabel,
  normalisedText,
  splitWords,
  type FunctionNode,
  type Node,
  type Span,
  SK,
  NO_TOKENS,
} from './ast.js';
import type { FileContext } from './context.js';
import { summarise } from './failure-paths.js';
import { callTarget } from './call-targets.js';
import { monitoringEvidence } from './monitoring.js';
import { isResponseCall } from './responses.js';
import { modulePath, propName, type Value } from './values.js';
import {
  denylistNameIn,
  isDenylistName,
  keyNames,
  receiverNames,
} from '../libraries/denylist-names.js';
import { outcomeOfUse, type RawOutcome } from './denylist-outcome.js';
import { fieldFilterLookup, revocationStateLookups } from './revocation-state.js';

import {
  STORE_LOOKUPS,
  KEY_LOOKUPS,
  STORE_WRITES,
  KEY_WRITES,
  MARKING_UPDATES,
  LOADER_WORDS,
  OPTION_LIBRARIES,
  isCheckerName,
} from '../libraries/denylist-apis.js';
import type {
  DenylistFileFacts,
  DenylistLookupFact,
  DenylistWriteFact,
  RevocationOptionFact,
} from './denylist-types.js';

// --- per file ------------------------------------------------------------------------------

/**
 * `calls`: every call expression of the file in source order, as the file's one walk met them
 * (extract.ts); without it the file is walked here.
 */
export function extractDenylistFacts(
  sf: ts.SourceFile,
  ctx: FileContext,
  calls?: readonly ts.CallExpression[],
): DenylistFileFacts {
  const { resolver } = ctx;
  const lookups: DenylistLookupFact[] = [];
  const options: RevocationOptionFact[] = [];
  const writes: DenylistWriteFact[] = [];
  const writeCalls = new Set<ts.CallExpression>();
  const optionFns: Array<{ fn: FunctionNode; option: RevocationOptionFact }> = [];

  const fnOf = (node: Node) => {
    const fn = enclosingFunction(node);
    return fn ? ctx.fnId(fn) : -1;
  };
  const scopeOf = (node: Node) => {
    const fn = enclosingFunction(node);
    if (!fn) return '<module>';
    const cls = enclosingClassName(fn);
    const name = functionName(fn) ?? '<anonymous>';
    return cls ? `${cls}.${name}` : name;
  };
  const addLookup = (
    call: ts.Expression,
    store: string,
    how: DenylistLookupFact['how'],
    outcome: RawOutcome,
    propagates?: string,
  ) => {
    const summary =
      outcome.kind === 'other'
        ? { evidence: [], calls: [] }
        : summarise(outcome.regions, undefined, ctx);
    const target =
      (how === 'function' || how === 'callback') && ts.isCallExpression(call)
        ? callTarget(call, resolver, ctx.fnId)
        : undefined;
    lookups.push({
      span: ctx.span(call),
      label: ts.isCallExpression(call) ? calleeLabel(call, sf) : normalisedText(call, sf, 80),
      store,
      how,
      fn: fnOf(call),
      ...(target ? { target } : {}),
      outcome: outcome.kind,
      ...(outcome.kind === 'returns' ? { revokedValue: outcome.revokedValue } : {}),
      ...(outcome.kind === 'rejects' ? { branch: spanOfNodes(outcome.branch, ctx.span) } : {}),
      // a throw / next(err), or sensible's reply.unauthorized(), is judged where its error ends
      // (project/error-flow.ts)
      evidence: summary.evidence.filter((e) => e.kind !== 'propagate').map((e) => e.label),
      ...(propagates
        ? { propagates: 'auth' as const }
        : summary.evidence.some((e) => e.kind === 'propagate')
          ? { propagates: 'httpError' in summary && summary.httpError ? 'auth' : 'plain' }
          : {}),
      calls: summary.calls.map((c) => c.target),
      scope: scopeOf(call),
      code: normalisedText(call, sf),
    });
  };

  const visit = (node: ts.CallExpression): void => {
    const name = calleeName(node);
    if (!name) return;
    const callee = unwrap(node.expression);
    const receiver =
      ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)
        ? unwrap(callee.expression)
        : undefined;

    // express-jwt / koa-jwt `isRevoked`, @fastify/jwt `trusted`
    if (node.arguments.length > 0) {
      const option = revocationOption(node, name, ctx);
      if (option) {
        options.push(option.fact);
        if (option.fn) optionFns.push({ fn: option.fn, option: option.fact });
      }
    }

    const state = receiver ? fieldFilterLookup(node, ctx) : undefined;
    if (state) {
      addLookup(node, state.store, 'field', state.outcome);
      return;
    }
    if (STORE_LOOKUPS.has(name) && receiver) {
      const names = receiverNames(receiver, resolver);
      if (names) {
        let store = denylistNameIn(names);
        let how: DenylistLookupFact['how'] = 'collection';
        if (!store && KEY_LOOKUPS.has(name)) {
          store = denylistNameIn(keyNames(node.arguments[0], resolver));
          how = 'key';
        }
        // const isBlacklisted = await redisClient.get(key): the answer's name says what was asked
        if (!store) store = denylistNameIn([answerName(node) ?? '']);
        if (store) {
          addLookup(node, store, how, outcomeOfUse(node, true));
          return;
        }
      }
    }
    // Token.findOne({ token, blacklisted: false }), prisma.session.findFirst({ where: { jti,
    // revokedAt: null } }): the store is not named, the filter is — a row found with `false`/`null`
    // is one NOT revoked
    if (
      FILTER_LOOKUPS.has(name) &&
      receiver &&
      node.arguments[0] &&
      receiverNames(receiver, resolver) !== undefined
    ) {
      const filter = revocationFilter(node.arguments[0], 0);
      if (filter) {
        addLookup(node, filter.key, 'collection', outcomeOfUse(node, filter.revokedWhenFound));
        return;
      }
    }
    if (isCheckerName(name) && (!receiver || receiverNames(receiver, resolver) !== undefined)) {
      addLookup(node, name, 'function', outcomeOfUse(node, true));
      return;
    }
    // prisma.refreshToken.update({ where: { id }, data: { revoked: true } }): a row marked revoked
    if (
      MARKING_UPDATES.has(name) &&
      receiver &&
      !insideWrite(node, writeCalls) &&
      receiverNames(receiver, resolver) !== undefined
    ) {
      // the update given inline, or through a local (`const update = { is_revoked: true };
      // repo.update(k, update)`)
      const field = node.arguments
        .map((a) => revocationField(a, 0, resolver))
        .find((f) => f !== undefined);
      if (field && !inLoader(node)) {
        writeCalls.add(node);
        const owner = writerFunction(node);
        writes.push({
          span: ctx.span(node),
          label: calleeLabel(node, sf),
          store: field,
          fn: owner ? ctx.fnId(owner) : -1,
          scope: scopeOf(node),
          code: normalisedText(node, sf),
        });
        return;
      }
    }
    if (STORE_WRITES.has(name) && receiver && !insideWrite(node, writeCalls)) {
      const names = receiverNames(receiver, resolver);
      if (names) {
        let store = denylistNameIn(names);
        if (!store && KEY_WRITES.has(name))
          store =
            denylistNameIn(keyNames(node.arguments[0], resolver)) ??
            denylistNameIn(
              node.arguments
                .slice(1)
                .flatMap((a) =>
                  ts.isStringLiteralLike(unwrap(a))
                    ? [(unwrap(a) as ts.StringLiteralLike).text]
                    : [],
                ),
            );
        // async function blacklistToken(token) { await redis.set(`bl_${token}`, '1') }: the
        // function says what the key is
        if (!store && KEY_WRITES.has(name)) store = denylistNameIn([revokerName(node) ?? '']);
        if (store && !monitoringEvidence(node, resolver, ctx.monitoring, sf) && !inLoader(node)) {
          writeCalls.add(node);
          const owner = writerFunction(node);
          writes.push({
            span: ctx.span(node),
            label: calleeLabel(node, sf),
            store,
            fn: owner ? ctx.fnId(owner) : -1,
            scope: scopeOf(node),
            code: normalisedText(node, sf),
          });
        }
      }
    }
  };
  if (calls) for (const c of calls) visit(c);
  else
    walk(
      sf,
      (node) => {
        if (ts.isCallExpression(node)) visit(node);
      },
      NO_TOKENS,
    );

  // A revocation callback given inline or by a local name: whatever call decides its answer is
  // the lookup, even when the store's name says nothing (`Token.exists({ jti })`).
  for (const { fn } of optionFns) {
    const id = ctx.fnId(fn);
    if (lookups.some((l) => l.fn === id)) continue;
    if (!fn.body) continue;
    walk(fn.body, (n) => {
      if (n !== fn.body && isFunctionLike(n)) return false;
      if (!ts.isCallExpression(n)) return true;
      if (isResponseCall(n) || monitoringEvidence(n, resolver, ctx.monitoring, sf)) return true;
      // Boolean(await Token.exists(q)): the lookup is the call inside
      const callee = unwrap(n.expression);
      if (
        ts.isIdentifier(callee) &&
        /^(Boolean|Number|String)$/.test(callee.text) &&
        !resolver.isDeclared(callee)
      )
        return true;
      const outcome = outcomeOfUse(n, true);
      if (outcome.kind === 'returns') {
        addLookup(n, calleeLabel(n, sf), 'callback', outcome);
        return false;
      }
      return true;
    });
  }
  // revocation fields and server-side allowlists (SPEC (b), (c)): revocation-state.ts
  const seen = new Set(lookups.map((l) => `${l.span.startLine}:${l.span.startColumn}`));
  const known = (n: Node) => {
    const s = ctx.span(n);
    return seen.has(`${s.startLine}:${s.startColumn}`);
  };
  const fileCalls: ts.CallExpression[] = calls ? [...calls] : [];
  if (!calls)
    walk(
      sf,
      (node) => {
        if (ts.isCallExpression(node)) fileCalls.push(node);
      },
      NO_TOKENS,
    );
  for (const state of revocationStateLookups(sf, ctx, fileCalls, known))
    addLookup(state.node, state.store, state.how, state.outcome, state.propagates);
  return { lookups, options, writes };
}

/** ORM reads whose filter can name the denylist flag. */
const FILTER_LOOKUPS = new Set([
  'findOne',
  'findFirst',
  'findUnique',
  'findOneBy',
  'findFirstOrThrow',
  'count',
  'countBy',
  'countDocuments',
  'exists',
  'exist',
  'existsBy',
]);

/**
 * A denylist flag in a lookup's filter: `{ blacklisted: false }` and `{ revokedAt: null }` find
 * only live tokens (a miss is the hit), `{ revoked: true }` finds revoked ones. Looks inside
 * `where` / `filter` / `query`; any other value (a variable, `IsNull()`) says nothing certain.
 */
function revocationFilter(
  arg: ts.Expression,
  depth: number,
): { key: string; revokedWhenFound: boolean } | undefined {
  const a = unwrap(arg);
  if (!ts.isObjectLiteralExpression(a) || depth > 2) return undefined;
  for (const p of a.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const key = propName(p.name);
    if (!key) continue;
    const value = unwrap(p.initializer);
    if (/^(where|filter|query)$/.test(key)) {
      const inner = revocationFilter(value, depth + 1);
      if (inner) return inner;
      continue;
    }
    if (!isDenylistName(key)) continue;
    if (value.kind === SK.FalseKeyword || value.kind === SK.NullKeyword)
      return { key, revokedWhenFound: false };
    if (value.kind === SK.TrueKeyword) return { key, revokedWhenFound: true };
  }
  return undefined;
}

/** An object given by a local name (`const update = { revoked: true }`): its literal. */
function objectLiteralOf(arg: ts.Expression, resolver: FileContext['resolver']): ts.Expression {
  const a = unwrap(arg);
  if (!ts.isIdentifier(a)) return a;
  const value = resolver.evaluate(a);
  return value.kind === 'object' ? value.node : a;
}

/**
 * A property set to a revoking value inside an update's argument: `{ data: { revoked: true } }`,
 * `{ $set: { revokedAt: new Date() } }`, `{ isBlacklisted: true }`. `revoked: false` un-revokes.
 */
function revocationField(
  arg: ts.Expression,
  depth: number,
  resolver: FileContext['resolver'],
): string | undefined {
  const a = objectLiteralOf(arg, resolver);
  if (!ts.isObjectLiteralExpression(a) || depth > 3) return undefined;
  for (const p of a.properties) {
    // `{ where, data }` with `data` a local object
    const initializer = ts.isPropertyAssignment(p)
      ? p.initializer
      : ts.isShorthandPropertyAssignment(p)
        ? p.name
        : undefined;
    if (!initializer) continue;
    const key = propName(p.name);
    if (!key) continue;
    const value = objectLiteralOf(initializer, resolver);
    if (ts.isObjectLiteralExpression(value)) {
      // the query part names the row, it does not change it
      if (/^(where|filter|query|select|include)$/.test(key)) continue;
      const inner = revocationField(value, depth + 1, resolver);
      if (inner) return inner;
      continue;
    }
    if (!isDenylistName(key)) continue;
    const falsy =
      value.kind === SK.FalseKeyword ||
      value.kind === SK.NullKeyword ||
      (ts.isIdentifier(value) && value.text === 'undefined');
    if (!falsy) return key;
  }
  return undefined;
}

/**
 * The enclosing named function when its name says it revokes: `blacklistToken`, `revokeSession`.
 */
function revokerName(node: Node): string | undefined {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name = functionName(fn);
    if (!name) continue;
    return isDenylistName(name) && !isCheckerName(name) ? name : undefined;
  }
  return undefined;
}

/**
 * The variable a call's (awaited) answer is stored in: `const revoked = await x.get(k)` ->
 * `revoked`.
 */
function answerName(call: ts.CallExpression): string | undefined {
  let n: Node = call;
  while (
    n.parent &&
    (ts.isAwaitExpression(n.parent) ||
      ts.isParenthesizedExpression(n.parent) ||
      ts.isAsExpression(n.parent) ||
      ts.isNonNullExpression(n.parent))
  )
    n = n.parent;
  const p = n.parent;
  return p && ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)
    ? p.name.text
    : undefined;
}

function spanOfNodes(nodes: readonly Node[], span: (n: Node) => Span): Span {
  const first = span(nodes[0]);
  const last = span(nodes[nodes.length - 1]);
  return {
    startLine: first.startLine,
    startColumn: first.startColumn,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** `repo.save(repo.create({...}))`: one write, not two. */
function insideWrite(call: ts.CallExpression, writes: ReadonlySet<ts.CallExpression>): boolean {
  for (let n: Node | undefined = call.parent; n && !isFunctionLike(n); n = n.parent)
    if (ts.isCallExpression(n) && writes.has(n)) return true;
  return false;
}

const INLINE_CALLBACK_METHODS = new RegExp(
  [
    '^(forEach|map|flatMap|filter|some|every|reduce|then|catch|finally|all',
    'allSettled|transaction|\\$transaction|withTransaction|runInTransaction',
    'multi|pipeline)$',
  ].join('|'),
);

/**
 * The function a write belongs to: the enclosing one, seen through callbacks that run inline
 * (`jtis.forEach((j) => denylist.add(j))`, `prisma.$transaction(async (tx) => ...)`).
 */
function writerFunction(node: Node): FunctionNode | undefined {
  let fn = enclosingFunction(node);
  while (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) {
    const p = fn.parent;
    const inline =
      p &&
      ts.isCallExpression(p) &&
      p.arguments.includes(fn as ts.Expression) &&
      INLINE_CALLBACK_METHODS.test(calleeName(p) ?? '');
    const iife =
      p &&
      ts.isParenthesizedExpression(p) &&
      p.parent &&
      ts.isCallExpression(p.parent) &&
      p.parent.expression === p;
    if (!inline && !iife) break;
    const outer = enclosingFunction(fn);
    if (!outer) break;
    fn = outer;
  }
  return fn;
}

/** `loadDenylist()`, `warmRevocationCache()`: filling the denylist from storage, not revoking. */
function inLoader(node: Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const name = functionName(fn);
    if (name && splitWords(name).some((w) => LOADER_WORDS.has(w))) return true;
    if (name) return false;
  }
  return false;
}

/**
 * `expressjwt({ secret, isRevoked })`, `koaJwt({ secret, isRevoked })`,
 * `fastify.register(fastifyJwt, { secret, trusted })` — recognised by what the callee (or the
 * registered plugin) is imported from.
 */
function revocationOption(
  call: ts.CallExpression,
  name: string,
  ctx: FileContext,
): { fact: RevocationOptionFact; fn?: FunctionNode } | undefined {
  const { resolver } = ctx;
  const objectArg = (arg: ts.Expression): ts.ObjectLiteralExpression | undefined => {
    const a = unwrap(arg);
    if (ts.isObjectLiteralExpression(a)) return a;
    if (ts.isIdentifier(a)) {
      const v = resolver.evaluate(a);
      if (v.kind === 'object') return v.node;
    }
    return undefined;
  };
  const findProp = (obj: ts.ObjectLiteralExpression, prop: string) =>
    obj.properties.find((p) => p.name && propName(p.name as ts.PropertyName) === prop);
  // cheap test first: an inline options object naming the hook, or an options variable handed to
  // something jwt-like (`expressjwt(opts)`, `fastify.register(fastifyJwt, opts)`)
  const jwtLike = name === 'register' || /jwt/i.test(name);
  const quick = call.arguments.some((a) => {
    const u = unwrap(a);
    return ts.isObjectLiteralExpression(u)
      ? u.properties.some(
          (p) => p.name && /^(isRevoked|trusted)$/.test(propName(p.name as ts.PropertyName) ?? ''),
        )
      : jwtLike && ts.isIdentifier(u);
  });
  if (!quick) return undefined;

  let library: RevocationOptionFact['library'] | undefined;
  let option: RevocationOptionFact['option'] = 'isRevoked';
  let obj: ts.ObjectLiteralExpression | undefined;
  if (name === 'register' && call.arguments.length >= 2) {
    const plugin = modulePath(resolver.evaluate(call.arguments[0]));
    if (plugin && OPTION_LIBRARIES[plugin.source] === '@fastify/jwt' && plugin.path.length === 0) {
      library = '@fastify/jwt';
      option = 'trusted';
      obj = objectArg(call.arguments[1]);
    }
  } else {
    const m = modulePath(resolver.evaluate(call.expression));
    const lib = m && OPTION_LIBRARIES[m.source];
    if (lib === 'express-jwt' || lib === 'koa-jwt') {
      library = lib;
      obj = call.arguments.map(objectArg).find((o) => o !== undefined);
    }
  }
  if (!library || !obj) return undefined;
  const prop = findProp(obj, option);
  if (!prop) return undefined;
  let value: Value = { kind: 'unknown' };
  if (ts.isPropertyAssignment(prop)) value = resolver.evaluate(prop.initializer);
  else if (ts.isShorthandPropertyAssignment(prop)) value = resolver.lookup(prop.name);
  else if (ts.isMethodDeclaration(prop)) value = { kind: 'function', node: prop };
  const fact: RevocationOptionFact = { span: ctx.span(prop), library, option };
  if (value.kind === 'function')
    return {
      fact: { ...fact, target: { kind: 'local', fn: ctx.fnId(value.node) } },
      fn: value.node,
    };
  if (value.kind === 'module')
    return {
      fact: { ...fact, target: { kind: 'module', source: value.source, path: value.path } },
    };
  return { fact };
}
