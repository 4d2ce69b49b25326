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
import type { FileApp, ProjectLimiter, RouteDecl, RouteFileFacts } from '../types.js';

/** Decorators that exempt a route from a global authentication guard. */
const PUBLIC_DECORATOR = /^(Public|IsPublic|AllowAnonymous|Anonymous|SkipAuth|NoAuth|PublicRoute)$/;

interface Throttling {
  isPublic?: boolean;
  decorators?: string[];
  limiter?: string;
  optOut?: boolean;
  skips?: string[];
  protectedBy?: string;
  guards?: string[];
  credential?: string;
}

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
  extra: Partial<RouteFileFacts>;
} {
  const extra: Partial<RouteFileFacts> = {};
  const apps: FileApp[] = [];
  const projectLimiters: ProjectLimiter[] = [];
  const bypassingGuards: string[] = [];
  const tokenGuards: string[] = [];
  if (!sf.text.includes('@nestjs/'))
    return { apps, projectLimiters, bypassingGuards, tokenGuards, extra };

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

  /**
   * A guard running a sign-in strategy: `AuthGuard('local')`, `AuthGuard('google')`,
   * `AuthGuard('jwt-refresh')`, a class named so (`LocalAuthGuard`, `JwtRefreshGuard`).
   */
  const credentialGuard = (expr: ts.Expression): string | undefined => {
    let e = unwrap(expr);
    if (ts.isNewExpression(e)) e = unwrap(e.expression);
    if (ts.isCallExpression(e)) {
      const m = modulePath(ctx.resolver.evaluate(e.expression));
      const arg = e.arguments[0] && unwrap(e.arguments[0]);
      const strategy = staticString(arg);
      // a project guard factory named for it: `OAuthCallbackGuard('google')`
      const factory = ts.isIdentifier(unwrap(e.expression))
        ? (unwrap(e.expression) as ts.Identifier).text
        : '';
      if (/guard$/i.test(factory) && /auth|login|sign/i.test(factory) && strategy)
        return /jwt|bearer|api.?key|session/i.test(strategy) ? undefined : strategy;
      if (m?.source !== '@nestjs/passport' || m.path.join('.') !== 'AuthGuard') return undefined;
      return strategy &&
        (!/jwt|bearer|token|api.?key|session/i.test(strategy) || /refresh/i.test(strategy))
        ? strategy
        : undefined;
    }
    const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
    const hit = /local|refresh|google|github|facebook|oidc|apple|microsoft|saml/i.exec(name);
    return hit ? hit[0].toLowerCase() : undefined;
  };

  /** Throttling and token guards declared on a class or method. */
  const throttling = (node: ts.Node): Throttling => {
    const out: Throttling = {};
    for (const d of decoratorsOf(node)) {
      const common = decorator(d, /^@nestjs\/common$/);
      if (common?.name === 'UseGuards' && common.call) {
        for (const a of common.call.arguments) {
          out.limiter ??= isLimiterGuard(a);
          out.protectedBy ??= isTokenGuard(a);
          out.credential ??= credentialGuard(a);
          const u = unwrap(a);
          if (ts.isIdentifier(u)) (out.guards ??= []).push(u.text);
        }
      }
      // @Public(), @AllowAnonymous(): the route opts out of a global authentication guard
      const e = unwrap(d.expression);
      const callee = ts.isCallExpression(e) ? unwrap(e.expression) : e;
      if (ts.isIdentifier(callee) && PUBLIC_DECORATOR.test(callee.text)) out.isPublic = true;
      // a project decorator (`@SessionAuth()` = applyDecorators(UseGuards(...))): linked later
      else if (ts.isIdentifier(callee) && !common && /^[A-Z]/.test(callee.text))
        (out.decorators ??= []).push(callee.text);
      const throttler = decorator(d, /^@nestjs\/throttler$/);
      if (throttler?.name === 'Throttle') out.limiter ??= '@Throttle';
      if (throttler?.name === 'SkipThrottle') {
        out.optOut = !skipsNothing(throttler.call);
        const named = skippedNames(throttler.call);
        if (out.optOut && named) out.skips = named;
      }
    }
    return out;
  };

  walk(sf, (node: Node) => {
    if (ts.isClassDeclaration(node)) {
      const controller = decoratorsOf(node)
        .map((d) => decorator(d, /^@nestjs\/common$/))
        .find((d) => d?.name === 'Controller');
      if (controller) apps.push(controllerApp(node, controller.call));
      // GraphQL resolvers (`@Mutation() login`) and WebSocket gateways
      // (`@SubscribeMessage('login')`) are endpoints too, throttled and guarded like controllers
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
        const strategy = credentialGuard(base);
        if (strategy) (extra.credentialGuards ??= {})[node.name.text] = strategy;
        if (isLimiterGuard(base) && !bypassesByDefault(node))
          (extra.limiterGuards ??= []).push(node.name.text);
      }
      return true;
    }
    if (ts.isObjectLiteralExpression(node)) {
      // { provide: APP_GUARD, useClass: ThrottlerGuard }
      const provide = property(node, 'provide');
      const useClass = property(node, 'useClass') ?? property(node, 'useExisting');
      if (provide && useClass) {
        const p = modulePath(ctx.resolver.evaluate(unwrap(provide)));
        // a ThrottlerGuard subclass serves as a global guard or as a global interceptor
        const global =
          p && p.source === '@nestjs/core' && /^APP_(GUARD|INTERCEPTOR)$/.test(p.path.join('.'));
        const guard = global ? isLimiterGuard(useClass) : undefined;
        if (guard) projectLimiters.push({ framework: 'nestjs', name: guard, span: ctx.span(node) });
        else if (global && ts.isIdentifier(unwrap(useClass))) {
          // { provide: APP_GUARD, useClass: JwtAuthGuard }: every route of the app is protected
          if (isTokenGuard(useClass)) tokenGuards.push((unwrap(useClass) as ts.Identifier).text);
          (extra.globalGuards ??= []).push({
            name: (unwrap(useClass) as ts.Identifier).text,
            span: ctx.span(node),
          });
        }
      }
      // ThrottlerModule.forRoot([{ name: 'chat', ttl, limit }]): the throttlers a skip must name
      const name = property(node, 'name');
      if (name && property(node, 'ttl') && staticString(name))
        (extra.throttlerNames ??= []).push(staticString(name)!);
      return true;
    }
    if (ts.isCallExpression(node)) {
      const callee = unwrap(node.expression);
      if (
        ts.isPropertyAccessExpression(callee) &&
        (callee.name.text === 'useGlobalGuards' || callee.name.text === 'useGlobalInterceptors')
      ) {
        const guard = node.arguments.map((a) => isLimiterGuard(a)).find(Boolean);
        if (guard) projectLimiters.push({ framework: 'nestjs', name: guard, span: ctx.span(node) });
      }
      // export const SessionAuth = () => applyDecorators(UseGuards(SessionGuard), ApiBearerAuth())
      const applied = modulePath(ctx.resolver.evaluate(callee));
      if (applied?.source === '@nestjs/common' && applied.path.join('.') === 'applyDecorators') {
        const name = composedName(node);
        if (name) {
          const info: Throttling = {};
          for (const a of node.arguments) {
            const inner = unwrap(a);
            if (!ts.isCallExpression(inner)) continue;
            const m = modulePath(ctx.resolver.evaluate(unwrap(inner.expression)));
            if (m?.source !== '@nestjs/common' || m.path.join('.') !== 'UseGuards') continue;
            for (const g of inner.arguments) {
              info.limiter ??= isLimiterGuard(g);
              info.protectedBy ??= isTokenGuard(g);
              info.credential ??= credentialGuard(g);
              const u = unwrap(g);
              if (ts.isIdentifier(u)) (info.guards ??= []).push(u.text);
            }
          }
          (extra.composedDecorators ??= {})[name] = {
            ...(info.limiter ? { limiter: info.limiter } : {}),
            ...(info.protectedBy ? { protectedBy: info.protectedBy } : {}),
            ...(info.credential ? { credential: info.credential } : {}),
            guards: info.guards ?? [],
          };
        }
      }
      // consumer.apply(AuthMiddleware).forRoutes(...authenticatedControllers)
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'forRoutes') {
        const applied = unwrap(callee.expression);
        if (
          ts.isCallExpression(applied) &&
          ts.isPropertyAccessExpression(unwrap(applied.expression)) &&
          (unwrap(applied.expression) as ts.PropertyAccessExpression).name.text === 'apply' &&
          applied.arguments.some((a) => /auth|jwt|session/i.test(a.getText()))
        )
          for (const a of node.arguments)
            (extra.protectedControllers ??= []).push(...classNames(a));
      }
      if (
        ts.isPropertyAccessExpression(callee) &&
        callee.name.text === 'create' &&
        ts.isIdentifier(unwrap(callee.expression)) &&
        (unwrap(callee.expression) as ts.Identifier).text === 'NestFactory'
      )
        extra.nestEntry = true;
    }
    return true;
  });
  return { apps, projectLimiters, bypassingGuards, tokenGuards, extra };

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
            // @SkipThrottle makes even an explicit ThrottlerGuard let the route through (unless it
            // skips only some named throttlers: linked in project/routes.ts)
            limiter:
              (own.optOut ?? classThrottling.optOut) &&
              !(own.optOut === undefined ? classThrottling.skips : own.skips)
                ? undefined
                : (own.limiter ?? classThrottling.limiter),
            optOut: own.optOut ?? classThrottling.optOut,
            ...((own.optOut === undefined ? classThrottling.skips : own.skips)
              ? { skips: own.optOut === undefined ? classThrottling.skips : own.skips }
              : {}),
            protectedBy: own.protectedBy ?? classThrottling.protectedBy,
            ...(own.isPublic || classThrottling.isPublic ? { isPublic: true } : {}),
            ...(own.decorators || classThrottling.decorators
              ? { decorators: [...(own.decorators ?? []), ...(classThrottling.decorators ?? [])] }
              : {}),
            ...(own.credential || classThrottling.credential
              ? { credential: own.credential ?? classThrottling.credential }
              : {}),
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
      controller: className,
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

/** The name a composed decorator is exported as: its function or variable. */
function composedName(call: ts.CallExpression): string | undefined {
  for (let n: ts.Node | undefined = call.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n)) return n.name?.text;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) return n.name.text;
    if (ts.isMethodDeclaration(n) || ts.isClassDeclaration(n)) return undefined;
  }
  return undefined;
}

/** Controller class names in `forRoutes(A, B)`, `forRoutes(...list)` with a local array `list`. */
function classNames(arg: ts.Expression): string[] {
  let e: ts.Node = unwrap(arg);
  if (ts.isSpreadElement(e)) e = unwrap(e.expression);
  if (ts.isIdentifier(e)) {
    let init: ts.Expression | undefined;
    const visit = (n: ts.Node): void => {
      if (init) return;
      if (
        ts.isVariableDeclaration(n) &&
        ts.isIdentifier(n.name) &&
        n.name.text === (e as ts.Identifier).text
      )
        init = n.initializer;
      else ts.forEachChild(n, visit);
    };
    visit(e.getSourceFile());
    const list = init && unwrap(init);
    if (list && ts.isArrayLiteralExpression(list))
      return list.elements.flatMap((el) => classNames(el));
    return [e.text];
  }
  return [];
}

/** `@SkipThrottle({ chat: true })` -> `['chat']`; undefined when it skips every throttler. */
function skippedNames(call: ts.CallExpression | undefined): string[] | undefined {
  const arg = call?.arguments[0] && unwrap(call.arguments[0]);
  if (!arg || !ts.isObjectLiteralExpression(arg)) return undefined;
  const names: string[] = [];
  for (const p of arg.properties) {
    if (!ts.isPropertyAssignment(p) || unwrap(p.initializer).kind !== SK.TrueKeyword) continue;
    if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) names.push(p.name.text);
    // [CHAT]: true with `const CHAT = 'chat'`
    else if (ts.isComputedPropertyName(p.name)) {
      const v = ctxFree(p.name.expression);
      names.push(v ?? '?');
    }
  }
  return names;
}

/** A computed key's text when it is a literal; otherwise its identifier (matched by name). */
function ctxFree(e: ts.Expression): string | undefined {
  const u = unwrap(e);
  if (ts.isStringLiteralLike(u)) return u.text;
  if (ts.isIdentifier(u)) {
    const decl = u.getSourceFile() && findConst(u);
    return decl;
  }
  return undefined;
}

function findConst(id: ts.Identifier): string | undefined {
  let found: string | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === id.text &&
      n.initializer
    ) {
      found = staticString(n.initializer);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(id.getSourceFile());
  return found;
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
