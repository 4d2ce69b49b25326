/**
 * NestJS: controllers (`@Controller(prefix)` + `@Post(path)`…) as apps, throttling from
 * `@UseGuards(ThrottlerGuard)` and `@Throttle(...)` on the route or its controller,
 * `@SkipThrottle()` as an opt-out, and project-wide `ThrottlerGuard` as `APP_GUARD` or
 * `app.useGlobalGuards(...)`. Decorators are recognised by import from `@nestjs/common` /
 * `@nestjs/throttler`, guards also by a limiter-like class name (`CustomThrottlerGuard`).
 */
import { ts, unwrap, staticString, walk, type Node, SK } from '../../ast.js';
import { modulePath } from '../../values.js';
import type { FileContext } from '../../context.js';
import { isLimiterName } from '../../../libraries/limiters.js';
import type { FileApp, ProjectLimiter, RouteDecl } from '../types.js';

const METHOD_DECORATORS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  All: 'ALL',
  Options: 'OPTIONS',
  Head: 'HEAD',
};

export function extractNestApps(
  sf: ts.SourceFile,
  ctx: FileContext,
): {
  apps: FileApp[];
  projectLimiters: ProjectLimiter[];
  bypassingGuards: string[];
  tokenGuards: string[];
} {
  const apps: FileApp[] = [];
  const projectLimiters: ProjectLimiter[] = [];
  const bypassingGuards: string[] = [];
  const tokenGuards: string[] = [];
  if (!sf.text.includes('@nestjs/')) return { apps, projectLimiters, bypassingGuards, tokenGuards };

  /** `@Post('login')` -> ['Post', call] when the decorator comes from `from`. */
  const decorator = (
    d: ts.Decorator,
    from: RegExp,
  ): { name: string; call?: ts.CallExpression } | undefined => {
    const e = unwrap(d.expression);
    const callee = ts.isCallExpression(e) ? unwrap(e.expression) : e;
    const m = modulePath(ctx.resolver.evaluate(callee));
    if (!m || !from.test(m.source) || m.path.length !== 1) return undefined;
    return { name: m.path[0], call: ts.isCallExpression(e) ? e : undefined };
  };
  const decoratorsOf = (node: ts.Node) =>
    ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];

  /**
   * A guard class that limits: `ThrottlerGuard`, a subclass named like a limiter, a configured
   * name.
   */
  const isLimiterGuard = (expr: ts.Expression): string | undefined => {
    let e = unwrap(expr);
    if (ts.isNewExpression(e)) e = unwrap(e.expression);
    const m = modulePath(ctx.resolver.evaluate(e));
    if (m && m.source === '@nestjs/throttler') return m.path.join('.') || 'ThrottlerGuard';
    const name = ts.isIdentifier(e)
      ? e.text
      : ts.isPropertyAccessExpression(e)
        ? e.name.text
        : undefined;
    return name && isLimiterName(name, ctx.limiters) ? name : undefined;
  };

  /**
   * A guard that verifies the caller's token: `AuthGuard('jwt')` of @nestjs/passport,
   * `JwtAuthGuard`.
   */
  const isTokenGuard = (expr: ts.Expression): string | undefined => {
    let e = unwrap(expr);
    if (ts.isNewExpression(e)) e = unwrap(e.expression);
    if (ts.isCallExpression(e)) {
      const m = modulePath(ctx.resolver.evaluate(e.expression));
      if (m?.source !== '@nestjs/passport' || m.path.join('.') !== 'AuthGuard') return undefined;
      // AuthGuard('jwt'), AuthGuard(['jwt', 'api-key'])
      const arg = e.arguments[0] && unwrap(e.arguments[0]);
      const strategies =
        arg && ts.isArrayLiteralExpression(arg)
          ? arg.elements.map((el) => staticString(el))
          : [staticString(arg)];
      // strategies that check a credential the caller presents on every request; `github`,
      // `google`, `oidc`, `local` are login flows, and a refresh-token guard guards a token
      // endpoint
      const verifying = strategies.filter(
        (st): st is string =>
          !!st && /jwt|bearer|token|api.?key|session/i.test(st) && !/refresh/i.test(st),
      );
      return verifying.length > 0 ? `AuthGuard('${verifying.join("', '")}')` : undefined;
    }
    const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
    return /jwt|access.?token|bearer/i.test(name) && !/local|refresh/i.test(name)
      ? name
      : undefined;
  };

  /** Throttling and token guards declared on a class or method. */
  const throttling = (
    node: ts.Node,
  ): { limiter?: string; optOut?: boolean; protectedBy?: string; guards?: string[] } => {
    const out: { limiter?: string; optOut?: boolean; protectedBy?: string; guards?: string[] } = {};
    for (const d of decoratorsOf(node)) {
      const common = decorator(d, /^@nestjs\/common$/);
      if (common?.name === 'UseGuards' && common.call) {
        for (const a of common.call.arguments) {
          out.limiter ??= isLimiterGuard(a);
          out.protectedBy ??= isTokenGuard(a);
          const u = unwrap(a);
          if (ts.isIdentifier(u)) (out.guards ??= []).push(u.text);
        }
      }
      const throttler = decorator(d, /^@nestjs\/throttler$/);
      if (throttler?.name === 'Throttle') out.limiter ??= '@Throttle';
      if (throttler?.name === 'SkipThrottle') out.optOut = !skipsNothing(throttler.call);
    }
    return out;
  };

  walk(sf, (node: Node) => {
    if (ts.isClassDeclaration(node)) {
      const controller = decoratorsOf(node)
        .map((d) => decorator(d, /^@nestjs\/common$/))
        .find((d) => d?.name === 'Controller');
      if (controller) apps.push(controllerApp(node, controller.call));
      // GraphQL resolvers (`@Mutation() login`) and WebSocket gateways (`@SubscribeMessage('login')`)
      // are endpoints too, throttled and guarded like controllers
      for (const d of decoratorsOf(node)) {
        const other = decorator(d, /^@nestjs\/(graphql|websockets)$/);
        if (other?.name === 'Resolver') apps.push(controllerApp(node, undefined, 'graphql'));
        if (other?.name === 'WebSocketGateway')
          apps.push(controllerApp(node, undefined, 'gateway'));
      }
      const base = node.heritageClauses?.find((h) => h.token === SK.ExtendsKeyword)?.types[0]
        ?.expression;
      if (node.name && base) {
        if (isLimiterGuard(base) && bypassesByDefault(node)) bypassingGuards.push(node.name.text);
        // class GlobalGuard extends AuthGuard(['jwt']): routes it guards elsewhere are protected
        if (isTokenGuard(base)) tokenGuards.push(node.name.text);
      }
      return true;
    }
    if (ts.isObjectLiteralExpression(node)) {
      // { provide: APP_GUARD, useClass: ThrottlerGuard }
      const provide = property(node, 'provide');
      const useClass = property(node, 'useClass') ?? property(node, 'useExisting');
      if (provide && useClass) {
        const p = modulePath(ctx.resolver.evaluate(unwrap(provide)));
        const guard =
          p && p.source === '@nestjs/core' && p.path.join('.') === 'APP_GUARD'
            ? isLimiterGuard(useClass)
            : undefined;
        if (guard) projectLimiters.push({ framework: 'nestjs', name: guard, span: ctx.span(node) });
      }
      return true;
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'useGlobalGuards') {
        const guard = node.arguments.map((a) => isLimiterGuard(a)).find(Boolean);
        if (guard) projectLimiters.push({ framework: 'nestjs', name: guard, span: ctx.span(node) });
      }
    }
    return true;
  });
  return { apps, projectLimiters, bypassingGuards, tokenGuards };

  /** A resolver's `@Mutation()` / `@Query()`, a gateway's `@SubscribeMessage('event')`. */
  function operation(
    d: ts.Decorator,
    member: ts.MethodDeclaration,
    kind: 'graphql' | 'gateway',
  ): { method: string; paths: Array<string | undefined> } | undefined {
    if (kind === 'graphql') {
      const info = decorator(d, /^@nestjs\/graphql$/);
      if (info?.name !== 'Mutation' && info?.name !== 'Query') return undefined;
      const options = info.call?.arguments
        .map((a) => unwrap(a))
        .find((a): a is ts.ObjectLiteralExpression => ts.isObjectLiteralExpression(a));
      const named = options ? staticString(property(options, 'name')) : undefined;
      return { method: info.name.toUpperCase(), paths: [named ?? member.name.getText(sf)] };
    }
    const info = decorator(d, /^@nestjs\/websockets$/);
    if (info?.name !== 'SubscribeMessage') return undefined;
    return { method: 'EVENT', paths: [staticString(info.call?.arguments[0])] };
  }

  function controllerApp(
    cls: ts.ClassDeclaration,
    call: ts.CallExpression | undefined,
    kind: 'http' | 'graphql' | 'gateway' = 'http',
  ): FileApp {
    const arg = call?.arguments[0] && unwrap(call.arguments[0]);
    let prefix: string | undefined;
    if (arg && ts.isObjectLiteralExpression(arg)) prefix = staticString(property(arg, 'path'));
    else if (arg && ts.isArrayLiteralExpression(arg)) prefix = staticString(arg.elements[0]);
    else prefix = staticString(arg);
    const classThrottling = throttling(cls);
    const className = cls.name?.text ?? '<controller>';
    const routes: RouteDecl[] = [];
    let seq = 0;
    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member) || !member.body) continue;
      for (const d of decoratorsOf(member)) {
        let method: string | undefined;
        let paths: Array<string | undefined>;
        if (kind === 'http') {
          const info = decorator(d, /^@nestjs\/common$/);
          method = info && METHOD_DECORATORS[info.name];
          if (!info || !method) continue;
          const pathArg = info.call?.arguments[0] && unwrap(info.call.arguments[0]);
          paths =
            pathArg && ts.isArrayLiteralExpression(pathArg)
              ? pathArg.elements.map((e) => staticString(e))
              : [pathArg ? staticString(pathArg) : ''];
        } else {
          const op = operation(d, member, kind);
          if (!op) continue;
          method = op.method;
          paths = op.paths;
        }
        const own = throttling(member);
        const methodName = member.name.getText(sf);
        for (const path of paths) {
          routes.push({
            method,
            path,
            span: ctx.span(d),
            items: [
              {
                label: `${className}.${methodName}`,
                span: ctx.span(member.name),
                target: { kind: 'local', fn: ctx.fnId(member) },
              },
            ],
            // @SkipThrottle makes even an explicit ThrottlerGuard let the route through
            limiter:
              (own.optOut ?? classThrottling.optOut)
                ? undefined
                : (own.limiter ?? classThrottling.limiter),
            optOut: own.optOut ?? classThrottling.optOut,
            protectedBy: own.protectedBy ?? classThrottling.protectedBy,
            ...(own.guards || classThrottling.guards
              ? { guards: [...(own.guards ?? []), ...(classThrottling.guards ?? [])] }
              : {}),
            seq: seq++,
          });
        }
      }
    }
    return {
      framework: 'nestjs',
      span: ctx.span(cls.name ?? cls),
      ordered: false,
      prefix,
      routes,
      uses: [],
      passes: [],
    };
  }
}

/**
 * A limiter guard subclass whose `canActivate` ends in `return true` limits only the requests
 * its conditions pick (`if (url.includes('/public/v1/posts')) return super.canActivate(ctx)`)
 * and lets every other one through, so it guards no route in particular.
 */
function bypassesByDefault(cls: ts.ClassDeclaration): boolean {
  const method = cls.members.find(
    (m): m is ts.MethodDeclaration =>
      ts.isMethodDeclaration(m) &&
      !!m.body &&
      ts.isIdentifier(m.name) &&
      m.name.text === 'canActivate',
  );
  const last = method?.body?.statements[method.body.statements.length - 1];
  return (
    !!last &&
    ts.isReturnStatement(last) &&
    !!last.expression &&
    unwrap(last.expression).kind === SK.TrueKeyword
  );
}

/** `@SkipThrottle({ default: false })` turns skipping off again. */
function skipsNothing(call: ts.CallExpression | undefined): boolean {
  const arg = call?.arguments[0] && unwrap(call.arguments[0]);
  if (!arg) return false;
  if (arg.kind === SK.FalseKeyword) return true;
  if (ts.isObjectLiteralExpression(arg)) {
    const values = arg.properties
      .filter(ts.isPropertyAssignment)
      .map((p) => unwrap(p.initializer).kind);
    return values.length > 0 && values.every((k) => k === SK.FalseKeyword);
  }
  return false;
}

function property(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (
      ts.isPropertyAssignment(p) &&
      (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) &&
      p.name.text === name
    )
      return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}
