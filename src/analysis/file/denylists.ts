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
} from './ast.js';
import type { FileContext } from './context.js';
import type { FileFacts } from './types.js';
import type { CallGraph, FnRef } from '../project/call-graph.js';
import type { Facts } from '../project/facts.js';
import type { Inventory } from '../../types.js';
import type { Locate } from '../project/inventory/index.js';
import { summarise } from './failure-paths.js';
import { callTarget, type CallTarget } from './call-targets.js';
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

export interface DenylistLookupFact {
  /** The lookup call. */
  span: Span;
  /** The call as written: `revokedTokens.has`, `redis.exists`, `this.tokens.isBlacklisted`. */
  label: string;
  /**
   * The denylist-like name that made it a lookup (`revokedTokens`, `revoked:`), or the callback's
   * call.
   */
  store: string;
  how: 'collection' | 'key' | 'function' | 'callback';
  /** Enclosing function id, or -1 at module level. */
  fn: number;
  /** The lookup is a call into project code (`isRevoked()` in another file). */
  target?: CallTarget;
  outcome: 'rejects' | 'returns' | 'other';
  /** For `returns`: the value the function hands back when the token is revoked. */
  revokedValue?: boolean;
  /** The rejecting branch (for `rejects`). */
  branch?: Span;
  /** Monitoring seen on the revoked path (labels) and project calls made on it. */
  evidence: string[];
  calls: CallTarget[];
  scope: string;
  code: string;
}

export interface RevocationOptionFact {
  /** The `isRevoked: ...` / `trusted: ...` property. */
  span: Span;
  library: 'express-jwt' | 'koa-jwt' | '@fastify/jwt';
  option: 'isRevoked' | 'trusted';
  /** The callback: a function of this file, or an export of another module. */
  target?: CallTarget;
}

export interface DenylistWriteFact {
  span: Span;
  label: string;
  store: string;
  fn: number;
  scope: string;
  code: string;
}

export interface DenylistFileFacts {
  lookups: DenylistLookupFact[];
  options: RevocationOptionFact[];
  writes: DenylistWriteFact[];
}

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

// --- method tables -------------------------------------------------------------------------

/** Lookups on a store recognised by its name: Set/Map/array, Redis, ORM models and repositories. */
const STORE_LOOKUPS = new Set([
  'has',
  'includes',
  'get',
  'contains',
  'check',
  'isMember',
  'lookup',
  'exists',
  'sismember',
  'sIsMember',
  'smismember',
  'smIsMember',
  'hget',
  'hGet',
  'hexists',
  'hExists',
  'zscore',
  'zScore',
  'getex',
  'getEx',
  'findOne',
  'findFirst',
  'findUnique',
  'findOneBy',
  'findById',
  'findByPk',
  'count',
  'countBy',
  'countDocuments',
  'exist',
  'existsBy',
  'first',
]);
/** Redis-style lookups whose first argument is the key: a denylist key makes them lookups. */
const KEY_LOOKUPS = new Set([
  'get',
  'exists',
  'sismember',
  'sIsMember',
  'smismember',
  'smIsMember',
  'hget',
  'hGet',
  'hexists',
  'hExists',
  'zscore',
  'zScore',
  'getex',
  'getEx',
]);
/** Writes on a store recognised by its name. */
const STORE_WRITES = new Set([
  'add',
  'push',
  'unshift',
  'set',
  'put',
  'sadd',
  'sAdd',
  'setex',
  'setEx',
  'psetex',
  'pSetEx',
  'setnx',
  'setNX',
  'hset',
  'hSet',
  'hmset',
  'hSetNX',
  'zadd',
  'zAdd',
  'lpush',
  'lPush',
  'rpush',
  'rPush',
  'create',
  'createMany',
  'insert',
  'insertOne',
  'insertMany',
  'upsert',
  'save',
  'bulkCreate',
]);
/** Redis-style writes whose key (first argument) or value names the denylist. */
const KEY_WRITES = new Set([
  'set',
  'sadd',
  'sAdd',
  'setex',
  'setEx',
  'psetex',
  'pSetEx',
  'setnx',
  'setNX',
  'hset',
  'hSet',
  'hmset',
  'zadd',
  'zAdd',
  'lpush',
  'lPush',
  'rpush',
  'rPush',
]);

/**
 * ORM updates that revoke by marking a row: `data: { revoked: true }`, `$set: { revokedAt: new
 * Date() }`.
 */
const MARKING_UPDATES = new Set([
  'update',
  'updateMany',
  'updateOne',
  'findOneAndUpdate',
  'findByIdAndUpdate',
  'upsert',
]);

/**
 * Words that make a denylist-named function a question: `isRevoked`, `checkBlacklist`,
 * `hasBeenRevoked`.
 */
const PREDICATE_WORDS = new Set([
  'is',
  'has',
  'was',
  'check',
  'checks',
  'lookup',
  'exists',
  'contains',
  'in',
]);
const PREDICATE_FIRST_WORDS = new Set(['find', 'get', 'fetch', 'lookup', 'query']);
/** Functions that fill a denylist from storage rather than revoke anything. */
const LOADER_WORDS = new Set([
  'load',
  'reload',
  'init',
  'initialize',
  'initialise',
  'warm',
  'warmup',
  'hydrate',
  'sync',
  'restore',
  'seed',
  'bootstrap',
  'populate',
  'rebuild',
  'prime',
  'preload',
  'import',
]);

const OPTION_LIBRARIES: Record<string, RevocationOptionFact['library']> = {
  'express-jwt': 'express-jwt',
  'koa-jwt': 'koa-jwt',
  '@fastify/jwt': '@fastify/jwt',
  'fastify-jwt': '@fastify/jwt',
};

/** `isRevoked`, `isTokenBlacklisted`, `checkDenylist`; not `revokeToken`, `addToBlacklist`. */
export function isCheckerName(name: string): boolean {
  if (!isDenylistName(name)) return false;
  const words = splitWords(name);
  return words.some((w) => PREDICATE_WORDS.has(w)) || PREDICATE_FIRST_WORDS.has(words[0]);
}

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
    call: ts.CallExpression,
    store: string,
    how: DenylistLookupFact['how'],
    outcome: RawOutcome,
  ) => {
    const summary =
      outcome.kind === 'other'
        ? { evidence: [], calls: [] }
        : summarise(outcome.regions, undefined, ctx);
    const target =
      how === 'function' || how === 'callback' ? callTarget(call, resolver, ctx.fnId) : undefined;
    lookups.push({
      span: ctx.span(call),
      label: calleeLabel(call, sf),
      store,
      how,
      fn: fnOf(call),
      ...(target ? { target } : {}),
      outcome: outcome.kind,
      ...(outcome.kind === 'returns' ? { revokedValue: outcome.revokedValue } : {}),
      ...(outcome.kind === 'rejects' ? { branch: spanOfNodes(outcome.branch, ctx.span) } : {}),
      evidence: summary.evidence.map((e) => e.label),
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
    walk(sf, (node) => {
      if (ts.isCallExpression(node)) visit(node);
    });

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

const INLINE_CALLBACK_METHODS =
  /^(forEach|map|flatMap|filter|some|every|reduce|then|catch|finally|all|allSettled|transaction|\$transaction|withTransaction|runInTransaction|multi|pipeline)$/;

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

// --- across files --------------------------------------------------------------------------

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

export function buildDenylistInventory(facts: Facts, locate: Locate): Inventory['denylistChecks'] {
  return facts.denylists.checks
    .map((c) => ({ label: c.label, location: locate(c.file, c.span), monitored: c.monitored }))
    .sort(
      (a, b) =>
        a.location.file.localeCompare(b.location.file) ||
        a.location.start.line - b.location.start.line ||
        a.location.start.column - b.location.start.column,
    );
}
