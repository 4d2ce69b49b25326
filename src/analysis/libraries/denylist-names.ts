/**
 * Is a store a token denylist? Decided by names only (SPEC `unlogged-revocation-hit`): the
 * variable, property, collection, table or model a call goes through, or the Redis key it reads or
 * writes, matches `/black.?list|deny.?list|block.?list|revok|banned|invalidated/i`.
 *
 *   revokedTokens.has(jti)                      receiver chain: revokedTokens
 *   prisma.blacklistedToken.findUnique(...)     receiver chain: blacklistedToken, prisma
 *   dataSource.getRepository(RevokedToken)      call arguments in the chain: RevokedToken
 *   redis.exists(`revoked:${jti}`)              key: 'revoked:'
 *   redis.get(`${BLACKLIST_PREFIX}${jti}`)      key: BLACKLIST_PREFIX (a bare `bl:` prefix is not
 *   enough)
 *
 * Look-alikes that are not token denylists: allowlists (`allowedTokens`), `sessions`, a `Set` named
 * `tokens`, and blocklists of other things (`bannedWords`, `blacklistedIps`).
 */
import { ts, unwrap, memberName, calleeName, splitWords, SK } from '../file/ast.js';
import { propName, enclosingClass, type Resolver } from '../file/values.js';

export const DENYLIST_NAME = /black.?list|deny.?list|block.?list|revok|banned|invalidated/i;

/**
 * A revocation option of JWT middleware: `isRevoked` (express-jwt), `trusted` (@fastify/jwt), any
 * `*jwt*` module.
 */
export const REVOCATION_OPTION = /jwt|isRevoked|trusted/i;

/** A denylist of something other than tokens or users: words, IP addresses, e-mail domains... */
const NOT_TOKEN_WORDS = new Set([
  'ip',
  'ips',
  'ipv4',
  'ipv6',
  'address',
  'addresses',
  'word',
  'words',
  'email',
  'emails',
  'domain',
  'domains',
  'host',
  'hosts',
  'hostname',
  'hostnames',
  'country',
  'countries',
  'agent',
  'agents',
  'phrase',
  'phrases',
  'term',
  'terms',
  'url',
  'urls',
  'origin',
  'origins',
  'extension',
  'extensions',
  'mime',
  'file',
  'files',
  'cidr',
  'subnet',
  'enabled',
  'enable',
  'disabled',
  'ttl',
  'size',
  'count',
  'metric',
  'metrics',
  'counter',
]);

/** Receivers that are requests, responses, headers or configuration, never a store. */
const NOT_A_STORE = new RegExp(
  [
    '^(req|request|res|response|reply|ctx|context|c|headers|header|query',
    'params|body|cookies|cookie|searchParams|url|config|conf|configService',
    'settings|env|process|options|opts|app|router|fastify|server|console',
    'Reflect|Object|JSON|Math|window|document|localStorage|sessionStorage)$',
  ].join('|'),
);

export function isDenylistName(name: string | undefined): boolean {
  if (!name || !DENYLIST_NAME.test(name)) return false;
  const words = splitWords(name);
  if (words.some((w) => NOT_TOKEN_WORDS.has(w))) return false;
  // a `…BlockList` of other things (`matchedBlockList` in a text diff): a list-shaped name is a
  // token denylist only when its other words name a store of tokens or ids, or act on one
  if (!/revok|banned|invalidated/i.test(name))
    return words.every((w) => LIST_WORDS.has(w) || STORE_WORDS.test(w));
  return true;
}

const LIST_WORDS = new Set([
  'black',
  'block',
  'deny',
  'list',
  'blacklist',
  'blocklist',
  'denylist',
  'blacklisted',
  'blocklisted',
  'denylisted',
  'blacklists',
  'blocklists',
  'denylists',
]);
/** Words that name a store of tokens or ids, or an action on one (`isTokenBlacklisted`). */
const STORE_WORDS = new RegExp(
  [
    '^(tokens?|jwts?|jtis?|access|refresh|sessions?|sids?|ids?|keys?|users?',
    'accounts?|entr(y|ies)|items?|records?|rows?|cache|store|redis|db|repo',
    'repository|model|table|collection|service|set|map|prefix|key|is|has|in',
    'on|to|from|add|added|get|check|remove|clear|find|lookup|save|put',
    'token\\w*|the|a|by|for|with|of)$',
  ].join('|'),
);

/** The first denylist-like name among `names`, if any. */
export function denylistNameIn(names: readonly string[]): string | undefined {
  return names.find((n) => isDenylistName(n));
}

/**
 * Names along a receiver chain, nearest first: `this.prisma.revokedToken` -> [revokedToken,
 * prisma]; a local `const repo = ds.getRepository(RevokedToken)` is followed to its initializer;
 * `this.repo` in a NestJS class to its `@InjectRepository(RevokedToken)` / type annotation.
 * Returns undefined when the chain starts at a request, response or config object.
 */
export function receiverNames(
  receiver: ts.Expression,
  resolver: Resolver,
  depth = 0,
): string[] | undefined {
  const out: string[] = [];
  let e = unwrap(receiver);
  for (let i = 0; i < 12; i++) {
    if (ts.isAwaitExpression(e)) {
      e = unwrap(e.expression);
      continue;
    }
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const name = memberName(e);
      const inner = unwrap(e.expression);
      if (inner.kind === SK.ThisKeyword) {
        if (name) {
          out.push(name);
          out.push(...classMemberNames(e, name));
        }
        return out;
      }
      if (name) out.push(name);
      e = inner;
      continue;
    }
    if (ts.isCallExpression(e)) {
      const name = calleeName(e);
      if (name) out.push(name);
      for (const a of e.arguments) out.push(...argumentNames(a));
      const callee = unwrap(e.expression);
      if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
        e = unwrap(callee.expression);
        continue;
      }
      return out;
    }
    if (ts.isNewExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isIdentifier(callee)) out.push(callee.text);
      for (const a of e.arguments ?? []) out.push(...argumentNames(a));
      return out;
    }
    if (ts.isIdentifier(e)) {
      // res.set(...), reply.headers.set(...), config.get(...): not a store; fastify.redis.get(...)
      // is
      if (NOT_A_STORE.test(e.text) && out.every((n) => NOT_A_STORE.test(n))) return undefined;
      out.push(e.text);
      if (depth < 2) {
        const decl = resolver.findDeclaration(e);
        if (
          decl &&
          decl.kind === 'node' &&
          ts.isVariableDeclaration(decl.node) &&
          decl.node.initializer
        ) {
          const more = receiverNames(decl.node.initializer, resolver, depth + 1);
          if (more) out.push(...more);
        } else if (decl && decl.kind === 'node' && ts.isParameter(decl.node) && decl.node.type) {
          out.push(...typeNames(decl.node.type));
        }
      }
      return out;
    }
    return out;
  }
  return out;
}

/** `getRepository(RevokedToken)`, `collection('blacklist')`, `model('Revoked', schema)`. */
function argumentNames(arg: ts.Expression): string[] {
  const a = unwrap(arg);
  if (ts.isStringLiteralLike(a)) return [a.text];
  if (ts.isIdentifier(a)) return [a.text];
  if (ts.isPropertyAccessExpression(a)) return [a.name.text, ...argumentNames(a.expression)];
  return [];
}

/**
 * `@InjectRepository(RevokedToken) private repo: Repository<RevokedToken>` -> [RevokedToken, ...].
 */
function classMemberNames(at: ts.Node, name: string): string[] {
  const cls = enclosingClass(at);
  if (!cls) return [];
  const out: string[] = [];
  const fromDecl = (decl: ts.ParameterDeclaration | ts.PropertyDeclaration) => {
    for (const m of ts.getDecorators(decl) ?? []) {
      const d = unwrap(m.expression);
      if (ts.isCallExpression(d)) for (const a of d.arguments) out.push(...argumentNames(a));
    }
    if (decl.type) out.push(...typeNames(decl.type));
  };
  for (const m of cls.members) {
    if (ts.isConstructorDeclaration(m)) {
      for (const p of m.parameters)
        if (ts.isIdentifier(p.name) && p.name.text === name) fromDecl(p);
    } else if (ts.isPropertyDeclaration(m) && propName(m.name) === name) {
      fromDecl(m);
    }
  }
  return out;
}

function typeNames(type: ts.TypeNode): string[] {
  const out: string[] = [];
  const visit = (t: ts.Node) => {
    if (ts.isTypeReferenceNode(t))
      out.push(ts.isIdentifier(t.typeName) ? t.typeName.text : t.typeName.right.text);
    ts.forEachChild(t, visit);
  };
  visit(type);
  return out;
}

/**
 * Names and static text of a key expression: `'revoked:' + jti`, `` `bl:${jti}` ``,
 * `` `${REVOKED_PREFIX}${jti}` ``, `revokedKey(jti)`, or a local `const key = ...` followed
 * to its initializer.
 */
export function keyNames(expr: ts.Expression | undefined, resolver: Resolver, depth = 0): string[] {
  if (!expr || depth > 3) return [];
  const e = unwrap(expr);
  if (ts.isStringLiteralLike(e)) return [e.text];
  if (ts.isTemplateExpression(e)) {
    const out = [e.head.text];
    for (const span of e.templateSpans) {
      out.push(span.literal.text);
      out.push(...keyNames(span.expression, resolver, depth + 1));
    }
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === SK.PlusToken)
    return [...keyNames(e.left, resolver, depth + 1), ...keyNames(e.right, resolver, depth + 1)];
  if (ts.isPropertyAccessExpression(e)) return [e.name.text];
  if (ts.isCallExpression(e)) {
    const name = calleeName(e);
    return name ? [name] : [];
  }
  if (ts.isIdentifier(e)) {
    const out = [e.text];
    const decl = resolver.findDeclaration(e);
    if (
      decl &&
      decl.kind === 'node' &&
      ts.isVariableDeclaration(decl.node) &&
      decl.node.initializer
    )
      out.push(...keyNames(decl.node.initializer, resolver, depth + 1));
    return out;
  }
  return [];
}
