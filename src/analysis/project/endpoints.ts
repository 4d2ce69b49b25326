/**
 * What kind of endpoint a route is (SPEC): an auth endpoint (`missing-rate-limit`), a login
 * handler (`unmonitored-login-failure`), a refresh handler (`unmonitored-refresh`). Paths are
 * judged word by word, so `/authors` and `/presets` are not auth endpoints while `/oauth/token`
 * and `/reset-password` are; handlers are judged by what they do, across files.
 */
import { splitWords } from '../file/ast.js';
import type { CallGraph, FnRef } from './call-graph.js';
import type { LinkedRoute, RouteFacts } from './routes.js';
import { isTestFile } from '../file/routes/secret-work.js';
import { SECRET_STRATEGY } from '../file/routes/syntax.js';

/** Keywords of SPEC's auth-path pattern, matched inside words. */
const AUTH_SUBSTRINGS = [
  'login',
  'signin',
  'logon',
  'token',
  'refresh',
  'password',
  'passwd',
  'register',
  'signup',
  'authenticat',
  'authoriz',
  'authoris',
];
/** Short keywords that must be whole words (`otp`, not `footprint`). */
const AUTH_WORDS = new Set([
  'auth',
  'oauth',
  'oauth2',
  'otp',
  'totp',
  'mfa',
  '2fa',
  'reset',
  'sso',
  'saml',
  'oidc',
]);
const LOGIN_SUBSTRINGS = ['login', 'signin', 'logon', 'authenticat'];

function words(path: string): readonly string[] {
  // `/sign-in` and `/sign_in` are one word for matching; `:param` segments are not words
  const cleaned = path
    .split('/')
    .filter((s) => !s.startsWith(':') && !s.startsWith('[') && !s.startsWith('{'))
    .join('/')
    .replace(/sign[-_ ]?(in|up)/gi, 'sign$1')
    .replace(/log[-_ ]?in/gi, 'login')
    .replace(/two[-_]?factor/gi, '2fa');
  return splitWords(cleaned);
}

/**
 * Words that only mean auth next to a credential (`/password/reset`, `/verify-email`), not
 * `/websites/:id/reset`.
 */
const CONTEXTUAL = new Set(['reset', 'verify']);
const CREDENTIAL_CONTEXT = new RegExp(
  [
    '^(password|passwd|pwd|pin|credential|credentials|account|auth|token',
    'email|phone|mfa|otp|2fa|totp|code|identity|login|signin|signup|register',
    'registration|user|magic|link)$',
  ].join('|'),
);
const LOGOUT = /^(logout|signout|logoff)$/;

function matchesWord(
  path: string,
  substrings: readonly string[],
  whole: ReadonlySet<string>,
  authPrefix = false,
  contextual = true,
): string | undefined {
  const all = words(path);
  // logging out guards nothing an attacker could guess
  if (authPrefix && all.length > 0 && LOGOUT.test(all[all.length - 1])) return undefined;
  for (const [i, w] of all.entries()) {
    if (CONTEXTUAL.has(w) || w.startsWith('verif')) {
      // `/password/reset` is an auth endpoint but not a login: only the auth judgement reads these
      if (!contextual) continue;
      if (i === 0 || all.some((o) => o !== w && CREDENTIAL_CONTEXT.test(o))) return w;
      continue;
    }
    if (whole.has(w)) return w;
    const hit = substrings.find((s) => w.includes(s));
    if (hit) return w;
    // `/auth-callback`, `/authentication`: `auth` as the start of a word, but not `author(s)`
    if (
      authPrefix &&
      w.startsWith('auth') &&
      !/^author(s|ed|ing|ship)?$/.test(w) &&
      !w.startsWith('authority')
    )
      return w;
  }
  return undefined;
}

export interface EndpointOptions {
  /** Extra auth path patterns from config (`authRoutes`). */
  authRoutes: readonly RegExp[];
  /**
   * Paths that are never auth endpoints, from config (`notAuthRoutes`): an admin API behind a
   * gateway.
   */
  notAuthRoutes: readonly RegExp[];
}

export class Endpoints {
  constructor(
    private readonly graph: CallGraph,
    private readonly routes: RouteFacts,
    private readonly options: EndpointOptions,
  ) {}

  /**
   * Why a route is an auth endpoint, or undefined when it is not one (SPEC `missing-rate-limit`):
   * what its handler does, followed across files; path words only where no handler can be
   * followed.
   */
  authReason(route: LinkedRoute): string | undefined {
    // CORS preflights and HEAD probes carry no credentials to guess
    if (route.method === 'OPTIONS' || route.method === 'HEAD') return undefined;
    const path = route.path;
    if (path !== undefined && this.options.notAuthRoutes.some((re) => re.test(path)))
      return undefined;
    // routes that exist only in tests: registered under a NODE_ENV test condition, by test code,
    // or whose handler leaves unless the environment is test
    if (route.testOnly || isTestFile(route.file)) return undefined;
    const handlerFact = route.handler ? this.graph.fn(route.handler) : undefined;
    if (handlerFact?.handler?.testOnly) return undefined;
    let work = this.handlerWork(route);
    const provider = !!route.credential && !SECRET_STRATEGY.test(route.credential);
    // an OAuth start's handler calling `super.authenticate()` hands over to the provider's guard
    if (provider && work?.byName) work = undefined;
    // SPEC: a route behind authentication (a guard verifying the caller's token or session) is
    // not an auth endpoint unless its handler checks a second secret (current password, OTP)
    if (route.protectedBy) {
      if (work?.secondSecret) return work.reason;
      return undefined;
    }
    // a handler verifying the token its request carries (`await checkAuth(request)`) is behind
    // authentication too (a refresh token is the credential it exchanges: not this case)
    if (
      route.handler &&
      !work?.secondSecret &&
      !work?.strategy &&
      this.verifiesCaller(route.handler)
    )
      return undefined;
    if (route.path !== undefined) {
      const extra = this.options.authRoutes.find((re) => re.test(route.path!));
      if (extra) return work?.reason ?? `path matches configured pattern ${extra}`;
    }
    if (work) return work.reason;
    // a strategy handing the sign-in to an identity provider: its start only redirects, its
    // callback completes the sign-in
    if (route.credential && !SECRET_STRATEGY.test(route.credential)) {
      const callback = route.path !== undefined && /callback|redirect|return/i.test(route.path);
      return callback ? `passport completes a sign-in with ${route.credential}` : undefined;
    }
    // a visible handler that does none of the auth work is not an auth endpoint, whatever its path;
    // one handing the work to code the scan cannot follow is judged by its path
    if (handlerFact && !this.handsOver(route.handler!)) return undefined;
    if (route.path !== undefined) {
      // RFC 8615 discovery documents (`/.well-known/openid-configuration`, `jwks.json`): public
      // metadata with nothing to guess, whatever words their names contain
      if (/(^|\/)\.well-known(\/|$)/.test(route.path)) return undefined;
      const w = matchesWord(route.path, AUTH_SUBSTRINGS, AUTH_WORDS, true);
      if (w) return `path mentions "${w}"`;
    }
    return undefined;
  }

  /**
   * The handler calls project code the scan cannot follow: a module outside the scanned files, or
   * a method named for auth work on an object no project class matches (`this.auth.signIn()`).
   */
  private handsOver(h: FnRef): boolean {
    for (const ref of this.graph.reachable(h)) {
      for (const t of this.graph.fn(ref)?.calls ?? []) {
        if (t.kind === 'local') continue;
        if (this.graph.resolve(ref.file, t).length > 0) continue;
        // `sessions.login()` of a module the scan lacks, `this.auth.signIn()`; an object's or
        // class's name alone (`this._oauthService.getApp()`) says nothing of the call
        const name = t.kind === 'module' ? (t.path[t.path.length - 1] ?? t.source) : t.method;
        if (matchesWord(name, AUTH_SUBSTRINGS, AUTH_WORDS, true)) return true;
      }
    }
    return false;
  }

  /**
   * The auth work a route's handler does (SPEC: issues a token, or checks, sets or sends a
   * secret), with whether it is a second secret checked behind authentication.
   */
  /** Functions holding a JWT verification. */
  private verifierFns(): ReadonlySet<number> {
    if (!this.verifiers) {
      this.verifiers = new Set();
      for (const f of this.graph.files())
        for (const site of f.verifySites)
          if (site.fn >= 0) this.verifiers.add(this.graph.refKey({ file: f.file, fn: site.fn }));
    }
    return this.verifiers;
  }

  private verifiers: Set<number> | undefined;

  /**
   * The handler verifies a token its request carries: it verifies one read from a header or cookie
   * itself, or hands the request to project code that verifies (`await checkAuth(request)`). Only
   * the handler's own calls count: code further down may verify other tokens for other reasons.
   */
  private verifiesCaller(h: FnRef): boolean {
    const fn = this.graph.fn(h)?.handler;
    if (!fn || this.graph.reaches(h, (f) => !!f.handler?.verifiesRefresh)) return false;
    if (fn.checksCaller || fn.passesAuthorization) return true;
    return (
      !!fn.requestToken &&
      this.graph.reaches(h, (_f, r) => this.verifierFns().has(this.graph.refKey(r)))
    );
  }

  private handlerWork(
    route: LinkedRoute,
  ): { reason: string; secondSecret: boolean; byName?: boolean; strategy?: boolean } | undefined {
    const h = route.handler;
    // the route's own sign-in strategy checks what the caller presents: a refresh token, a
    // password, client credentials
    if (route.credential && SECRET_STRATEGY.test(route.credential))
      return {
        reason: /refresh/i.test(route.credential)
          ? `a guard exchanges a refresh token (${route.credential})`
          : `passport checks credentials (${route.credential})`,
        secondSecret: false,
        strategy: true,
      };
    if (!h) return undefined;
    if (this.graph.reaches(h, (fn) => !!fn.handler?.checksPassword))
      return { reason: 'handler checks a password', secondSecret: true };
    let oneTime: string | undefined;
    let other: string | undefined;
    for (const ref of this.graph.reachable(h)) {
      const work = this.graph.fn(ref)?.handler?.secretWork;
      if (!work) continue;
      if (work.startsWith('checks a one-time')) oneTime ??= work;
      else other ??= work;
    }
    if (oneTime) return { reason: `handler ${oneTime}`, secondSecret: true };
    if (this.graph.signs(h)) return { reason: 'handler issues a token', secondSecret: false };
    if (this.graph.reaches(h, (fn) => !!fn.handler?.verifiesRefresh))
      return { reason: 'handler exchanges a refresh token', secondSecret: false };
    if (other)
      return {
        reason: `handler ${other}`,
        secondSecret: false,
        byName: other.startsWith('signs a caller in'),
      };
    return undefined;
  }

  /** A login handler: path says login, or the handler compares a password and signs a token. */
  isLogin(route: LinkedRoute): boolean {
    if (
      route.path !== undefined &&
      matchesWord(route.path, LOGIN_SUBSTRINGS, new Set(), false, false)
    )
      return true;
    return this.handlerChecksPassword(route) && this.handlerSigns(route);
  }

  /** A refresh handler: path says refresh, or the chain verifies a refresh token and then signs. */
  isRefresh(route: LinkedRoute): boolean {
    if (route.path !== undefined && /refresh/i.test(route.path)) return true;
    return (
      route.functions.some((f) => this.graph.reaches(f, (fn) => !!fn.handler?.verifiesRefresh)) &&
      this.handlerSigns(route)
    );
  }

  /**
   * Refresh handlers no route reaches: a callback handed to a library (oauth2orize's
   * `exchange.refreshToken(fn)`, a GraphQL resolver, a socket handler) that verifies a refresh
   * token and signs a new one. Found from each refresh verification up its callers (any depth) to
   * a function nothing in the project calls and that is handed to other code (not an exported
   * helper whose callers may lie outside the scan); skipped when a route's chain holds any of them.
   */
  routelessRefreshHandlers(): FnRef[] {
    if (this.routeless) return this.routeless;
    const inRoutes = new Set(
      this.routes.routes.flatMap((r) => r.functions.map((f) => this.graph.refKey(f))),
    );
    const found = new Map<number, FnRef>();
    for (const file of this.graph.files()) {
      file.functions.forEach((fn, id) => {
        if (!fn.handler?.verifiesRefresh) return;
        const roots = this.rootsAbove({ file: file.file, fn: id }, inRoutes);
        for (const root of roots ?? []) {
          // an uncalled exported helper may have callers outside the scanned code: only callbacks
          // count
          if (!this.graph.fn(root)?.handedOver) continue;
          if (this.graph.signs(root)) found.set(this.graph.refKey(root), root);
        }
      });
    }
    return (this.routeless = [...found.values()]);
  }

  private routeless: FnRef[] | undefined;

  /** Uncalled functions above `ref` (any depth); undefined when a route's chain is on the way. */
  private rootsAbove(ref: FnRef, inRoutes: ReadonlySet<number>): FnRef[] | undefined {
    const roots: FnRef[] = [];
    for (const cur of this.graph.callersAbove(ref)) {
      if (inRoutes.has(this.graph.refKey(cur))) return undefined;
      if (this.graph.callers(cur).length === 0) roots.push(cur);
    }
    return roots;
  }

  handlerSigns(route: LinkedRoute): boolean {
    return !!route.handler && this.graph.signs(route.handler);
  }

  private handlerChecksPassword(route: LinkedRoute): boolean {
    return (
      !!route.handler && this.graph.reaches(route.handler, (fn) => !!fn.handler?.checksPassword)
    );
  }
}
