/**
 * Endpoints that are not HTTP routes:
 *
 *   const resolvers = { Mutation: { login: async (_, args) => ... } }     Apollo / graphql-tools
 *   io.on('connection', (socket) => { socket.on('login', handler) })       Socket.IO / ws events
 *   io.use(socketLimiter)                                                  their limiter chain
 *
 * A resolver map is one app (framework `graphql`) with a route per mutation (method MUTATION,
 * path = the field name); a connection handler is one app (framework `socket.io`) with a route
 * per event (method EVENT, path = the event name) and the server's `use` middleware in front.
 */
import { ts, unwrap, walk, staticString, isFunctionLike } from '../../ast.js';
import type { FileContext } from '../../context.js';
import { targetOfCallee } from '../../call-targets.js';
import { propName } from '../../values.js';
import { limiterOfExpression } from '../../../libraries/limiters.js';
import type { ChainItem, FileApp, RouteDecl, UseDecl } from '../types.js';

export function extractEventApps(sf: ts.SourceFile, ctx: FileContext): FileApp[] {
  const apps: FileApp[] = [];
  const text = sf.text;
  // each regex behind a plain substring it needs: a substring scan is several times cheaper, and
  // few files pass it
  if (text.includes('Mutation') && MUTATION_KEY.test(text)) {
    const app = resolverMaps(sf, ctx);
    if (app) apps.push(app);
  }
  if (text.includes('.on(') && CONNECTION_LISTENER.test(text)) apps.push(...socketApps(sf, ctx));
  return apps;
}

const MUTATION_KEY = /\bMutation\s*:/;
const CONNECTION_LISTENER = /\.on\(\s*['"](connection|connect)['"]/;

function handlerItem(expr: ts.Expression, label: string, ctx: FileContext): ChainItem | undefined {
  const e = unwrap(expr);
  const target = isFunctionLike(e)
    ? { kind: 'local' as const, fn: ctx.fnId(e) }
    : targetOfCallee(e, ctx.resolver, ctx.fnId);
  return target ? { label, span: ctx.span(expr), target } : undefined;
}

/** `{ Mutation: { login, refreshToken: async () => ... } }`. */
function resolverMaps(sf: ts.SourceFile, ctx: FileContext): FileApp | undefined {
  const routes: RouteDecl[] = [];
  walk(sf, (n) => {
    if (!ts.isPropertyAssignment(n) || propName(n.name) !== 'Mutation') return true;
    const map = unwrap(n.initializer);
    if (!ts.isObjectLiteralExpression(map)) return true;
    for (const p of map.properties) {
      const field = p.name ? propName(p.name as ts.PropertyName) : undefined;
      if (!field) continue;
      const value = ts.isMethodDeclaration(p)
        ? undefined
        : ts.isPropertyAssignment(p)
          ? p.initializer
          : ts.isShorthandPropertyAssignment(p)
            ? p.name
            : undefined;
      const item = ts.isMethodDeclaration(p)
        ? {
            label: `Mutation.${field}`,
            span: ctx.span(p.name),
            target: { kind: 'local' as const, fn: ctx.fnId(p) },
          }
        : value
          ? handlerItem(value, `Mutation.${field}`, ctx)
          : undefined;
      if (!item) continue;
      routes.push({
        method: 'MUTATION',
        path: field,
        span: ctx.span(p),
        items: [item],
        seq: routes.length,
      });
    }
    return false;
  });
  if (routes.length === 0) return undefined;
  return {
    framework: 'graphql',
    span: ctx.span(sf.statements[0] ?? sf),
    ordered: false,
    routes,
    uses: [],
    passes: [],
  };
}

/** `server.on('connection', (socket) => { socket.on('login', ...) })`, with `server.use(...)`. */
function socketApps(sf: ts.SourceFile, ctx: FileContext): FileApp[] {
  const apps: FileApp[] = [];
  walk(sf, (n) => {
    if (!ts.isCallExpression(n)) return true;
    const callee = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'on') return true;
    const event = staticString(n.arguments[0]);
    const cb = n.arguments[1] && unwrap(n.arguments[1]);
    if ((event !== 'connection' && event !== 'connect') || !cb || !isFunctionLike(cb)) return true;
    const socket = cb.parameters[0]?.name;
    if (!socket || !ts.isIdentifier(socket) || !cb.body) return true;
    const server = callee.expression.getText(sf);
    const routes: RouteDecl[] = [];
    walk(cb.body, (m) => {
      if (!ts.isCallExpression(m)) return true;
      const c = unwrap(m.expression);
      if (
        !ts.isPropertyAccessExpression(c) ||
        c.name.text !== 'on' ||
        unwrap(c.expression).getText(sf) !== socket.text
      )
        return true;
      const name = staticString(m.arguments[0]);
      const handler = m.arguments[1];
      if (!name || !handler || name === 'disconnect' || name === 'error') return true;
      const item = handlerItem(handler, `${socket.text}.on('${name}')`, ctx);
      if (item)
        routes.push({
          method: 'EVENT',
          path: name,
          span: ctx.span(m),
          items: [item],
          seq: routes.length + 1,
        });
      return true;
    });
    if (routes.length === 0) return true;
    apps.push({
      framework: 'socket.io',
      span: ctx.span(n),
      ordered: true,
      routes,
      uses: serverUses(sf, ctx, server),
      passes: [],
    });
    return true;
  });
  return apps;
}

/** `io.use(limiter)` on the same server: middleware in front of every event (seq 0). */
function serverUses(sf: ts.SourceFile, ctx: FileContext, server: string): UseDecl[] {
  const uses: UseDecl[] = [];
  walk(sf, (n) => {
    if (!ts.isCallExpression(n)) return true;
    const c = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(c) || c.name.text !== 'use') return true;
    if (unwrap(c.expression).getText(sf) !== server) return true;
    const items: ChainItem[] = n.arguments.map((a) => {
      const limiter = limiterOfExpression(a, ctx.resolver, ctx.limiters);
      return {
        label: a.getText(sf).slice(0, 60),
        span: ctx.span(a),
        ...(limiter ? { limiter } : {}),
      };
    });
    uses.push({ items, span: ctx.span(n), seq: 0, conditional: false });
    return true;
  });
  return uses;
}
