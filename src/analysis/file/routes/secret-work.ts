/**
 * What makes a handler an auth endpoint besides signing a token or comparing a password (SPEC
 * `missing-rate-limit`): it sets a password (hashing one), checks or sends a one-time secret (an
 * OTP, a reset, verification or magic link), or signs a caller in through code the scan cannot
 * follow (`supabase.auth.signInWithPassword`). Read from call names and the password libraries;
 * and the test-environment gates that make a route exist only in tests.
 */
import { ts, unwrap, calleeName, splitWords, type Node } from '../ast.js';
import { PASSWORD_MODULES } from '../../libraries/passwords.js';
import { modulePath, type Resolver } from '../values.js';

const OTP_MODULES = /^(speakeasy|otplib|@otplib\/.*|otpauth|otp-generator|node-2fa|2fa-util)$/;
const PASSWORD = new Set(['password', 'passwd', 'pwd', 'passphrase']);
const SET_WORDS = new Set(['hash', 'set', 'update', 'change', 'reset', 'encrypt', 'create', 'new']);
const ONE_TIME = new Set([
  'otp',
  'totp',
  'hotp',
  'mfa',
  '2fa',
  'twofactor',
  'magic',
  'passwordless',
]);
const LINKISH = new Set([
  'reset',
  'verification',
  'verify',
  'confirmation',
  'confirm',
  'activation',
  'magic',
  'otp',
  'code',
  'passwordless',
]);
const SEND_WORDS = new Set(['send', 'email', 'mail', 'resend', 'deliver']);
const CHECK_WORDS = new Set(['verify', 'check', 'validate', 'confirm', 'consume', 'redeem']);
const PREFILTER = new RegExp(
  [
    'session|token|jwt|pass|pwd|otp|mfa|2fa|factor|magic|reset|verif|confirm',
    'activat|code|sign|log[-_]?[io]n|authenticat|hash|check|generate|validate',
  ].join('|'),
  'i',
);
const ISSUE = new Set([
  'issue',
  'mint',
  'grant',
  'sign',
  'generate',
  'create',
  'start',
  'exchange',
  'refresh',
]);
const TOKEN_WORDS = new Set([
  'session',
  'sessions',
  'token',
  'tokens',
  'jwt',
  'jwts',
  'access',
  'auth',
  'user',
  'new',
  'pair',
  'code',
  'and',
  'for',
]);
const SIGN_IN = /^(login|signin|logon|signup|authenticate|authenticateuser)$/;

/**
 * The secret work a call does, as a phrase for the finding's reason (`sets a password`), or
 * undefined.
 */
export function secretWork(call: ts.CallExpression, resolver: Resolver): string | undefined {
  const name = calleeName(call);
  if (!name) return undefined;
  const lookup = oneTimeRecordLookup(call, name);
  if (lookup) return lookup;
  if (!PREFILTER.test(name)) return undefined;
  // `jwt.sign(...)` on a `jwt` the file never imports (a global, a broken import): still signing
  const callee = unwrap(call.expression);
  if (
    /^(sign|encode)$/.test(name) &&
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(unwrap(callee.expression)) &&
    /^(jwt|jsonwebtoken|JWT)$/.test((unwrap(callee.expression) as ts.Identifier).text)
  )
    return `issues a token (${(unwrap(callee.expression) as ts.Identifier).text}.${name})`;
  if (/^(hash|hashSync|verify|check|generate|verifyToken|verifyDelta|validate)$/.test(name)) {
    const m = modulePath(resolver.evaluate(unwrap(call.expression)));
    if (m && PASSWORD_MODULES.has(m.source) && /^hash/.test(name)) return 'hashes a password';
    if (m && OTP_MODULES.test(m.source)) return 'checks a one-time code';
    return undefined;
  }
  const words = splitWords(
    name
      .replace(/sign[-_]?(in|up|on)/gi, (_m, x: string) => `sign${x.toLowerCase()}`)
      .replace(/log[-_]?in/gi, (m: string) => `${m[0]}ogin`),
  );
  if (words.length === 0 || words[0] === 'is' || words[0] === 'has' || words[0] === 'get') {
    // `isPasswordResetEnabled()`, `getOtpSettings()`: reads, not the work itself
    return undefined;
  }
  const has = (set: ReadonlySet<string>) => words.some((w) => set.has(w));
  if (has(SEND_WORDS) && has(LINKISH) && !words.includes('confirm'))
    return `sends a one-time secret (${name})`;
  if (has(PASSWORD) && has(SET_WORDS)) return `sets a password (${name})`;
  if (has(ONE_TIME) && (has(CHECK_WORDS) || has(SEND_WORDS) || words.length === 1))
    return `checks a one-time code (${name})`;
  if (
    has(CHECK_WORDS) &&
    (words.some((w) => w === 'reset' || w === 'magic') ||
      (words.includes('email') &&
        words.some((w) => w === 'token' || w === 'code' || w === 'confirm')))
  )
    return `checks a one-time secret (${name})`;
  if (
    words.some((w) => ISSUE.has(w)) &&
    words.some((w) => w === 'session' || w === 'token' || w === 'tokens' || w === 'jwt') &&
    // `refreshJwtVerify()`, `decodeRefreshToken()`: reading a token, not issuing one
    !words.some((w) => w === 'verify' || w === 'decode' || w === 'validate' || w === 'check') &&
    // every word about issuing a session or token (`createSession`, `issueAccessToken`), none
    // about something else (`createPaymentSessionStep`, `refreshInviteTokensWorkflow`)
    words.every((w) => ISSUE.has(w) || TOKEN_WORDS.has(w))
  )
    return `issues a token (${name})`;
  // the verb is the sign-in (`login`, `loginUser`, `handleSignIn`), not a word about one
  // (`resetLoginAttempts`, `getLoginUrl`)
  const verb = /^(do|handle|perform|try|attempt|process)$/.test(words[0]) ? words[1] : words[0];
  if ((verb !== undefined && SIGN_IN.test(verb)) || /^(signInWith|signUpWith)/.test(name))
    return `signs a caller in (${name})`;
  return undefined;
}

const RECORD_LOOKUP = /^(find|findOne|findFirst|findUnique|findOneBy|findBy|count|exists|get)$/;
const SECRET_KEY = /^(token|code|otp|hash|tokenHash|token_hash|secret)$/i;

/**
 * A one-time secret checked by looking up its record: `PasswordReset.findOne({ token })`,
 * `prisma.verificationCode.findFirst({ where: { code } })` — the store is named for resets,
 * verification, magic links or one-time codes, and the filter names the secret.
 */
function oneTimeRecordLookup(call: ts.CallExpression, name: string): string | undefined {
  if (!RECORD_LOOKUP.test(name)) return undefined;
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const store = unwrap(callee.expression).getText();
  const words = splitWords(store.split('.').pop() ?? '');
  if (!words.some((w) => LINKISH.has(w) || ONE_TIME.has(w))) return undefined;
  const keys = (e: ts.Expression | undefined, depth: number): boolean => {
    const o = e && unwrap(e);
    if (!o || depth > 2 || !ts.isObjectLiteralExpression(o)) return false;
    return o.properties.some((p) => {
      const key = p.name && ts.isIdentifier(p.name) ? p.name.text : undefined;
      if (key && SECRET_KEY.test(key)) return true;
      return ts.isPropertyAssignment(p) && keys(p.initializer, depth + 1);
    });
  };
  return keys(call.arguments[0], 0) ? `checks a one-time secret (${store}.${name})` : undefined;
}

/** `process.env.NODE_ENV`, `env.NODE_ENV`, `config.env` compared with `'test'`. */
function isTestComparison(expr: ts.Expression): 'test' | 'not-test' | undefined {
  const e = unwrap(expr);
  if (!ts.isBinaryExpression(e)) return undefined;
  const op = e.operatorToken.kind;
  const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
  const ne =
    op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    op === ts.SyntaxKind.ExclamationEqualsToken;
  if (!eq && !ne) return undefined;
  const sides = [unwrap(e.left), unwrap(e.right)];
  const literal = sides.find((s) => ts.isStringLiteralLike(s));
  const other = sides.find((s) => s !== literal);
  if (!literal || !other || !/^test(ing)?$/.test((literal as ts.StringLiteralLike).text))
    return undefined;
  if (!/\b(NODE_ENV|env|environment|ENV|APP_ENV)\b/.test(other.getText())) return undefined;
  return eq ? 'test' : 'not-test';
}

/** A registration inside `if (process.env.NODE_ENV === 'test') { ... }`. */
export function underTestCondition(node: Node): boolean {
  for (let cur: Node | undefined = node.parent; cur; cur = cur.parent) {
    if (ts.isIfStatement(cur) && isTestComparison(cur.expression) === 'test') {
      let inThen = false;
      for (let n: Node | undefined = node; n && n !== cur; n = n.parent)
        if (n === cur.thenStatement) inThen = true;
      if (inThen) return true;
    }
    if (ts.isSourceFile(cur)) break;
  }
  return false;
}

/** A function whose first statement leaves unless the environment is test. */
export function gatedToTests(body: ts.Block | undefined): boolean {
  const first = body?.statements[0];
  if (!first || !ts.isIfStatement(first)) return false;
  if (isTestComparison(first.expression) !== 'not-test') return false;
  const then = ts.isBlock(first.thenStatement)
    ? first.thenStatement.statements[0]
    : first.thenStatement;
  return !!then && (ts.isThrowStatement(then) || ts.isReturnStatement(then));
}

/** Files only tests load: `*.spec.ts`, `__tests__/`, `test/` and `e2e/` folders. */
export function isTestFile(file: string): boolean {
  return (
    /(^|\/)(__tests__|__mocks__|tests?|e2e|spec)\//.test(file) ||
    /\.(spec|test|e2e-spec|e2e)\.[cm]?[jt]sx?$/.test(file)
  );
}

const CALLER = new RegExp(
  [
    '\\b(ctx\\.state\\.\\w+|(req|request|ctx)\\.(user|auth|member|account',
    'claims|principal|session\\.user)|res\\.locals\\.\\w+)\\b',
  ].join('|'),
);

/**
 * Middleware that lets only an authenticated caller through: `ctx.assert(ctx.state.user, 401)`,
 * `if (!req.user) return res.sendStatus(401)`, `if (!req.isAuthenticated()) throw ...`.
 */
export function requiresCaller(body: ts.Block | undefined): boolean {
  const first = body?.statements[0];
  if (!first) return false;
  if (ts.isExpressionStatement(first) && ts.isCallExpression(unwrap(first.expression))) {
    const call = unwrap(first.expression) as ts.CallExpression;
    return (
      calleeName(call) === 'assert' &&
      !!call.arguments[0] &&
      CALLER.test(call.arguments[0].getText())
    );
  }
  if (!ts.isIfStatement(first)) return false;
  const cond = unwrap(first.expression);
  if (!ts.isPrefixUnaryExpression(cond) || cond.operator !== ts.SyntaxKind.ExclamationToken)
    return false;
  const text = cond.operand.getText();
  if (!CALLER.test(text) && !/isAuthenticated\(\)/.test(text)) return false;
  const then = ts.isBlock(first.thenStatement)
    ? first.thenStatement.statements
    : [first.thenStatement];
  return then.some((st) => ts.isThrowStatement(st) || ts.isReturnStatement(st));
}
