/**
 * What counts as monitoring (SPEC "What counts as monitoring"): logging, telemetry, error
 * reporting, propagating the error, calling a function whose name says it monitors, or a
 * configured monitor. Calls into project functions are *deferred*: the call graph decides later,
 * across files, whether their bodies monitor.
 */
import { ts, unwrap, memberName, receiverName, splitWords, calleeName, SK } from './ast.js';
import { modulePath, type Resolver, type Value } from './values.js';

export type EvidenceKind = 'log' | 'telemetry' | 'report' | 'propagate' | 'name' | 'configured';

export interface Evidence {
  kind: EvidenceKind;
  /** The call as written, for inventory and messages (`logger.warn`). */
  label: string;
}

const CONSOLE_METHODS = new Set(['error', 'warn', 'info', 'log']);
const LOGGER_METHODS = new Set([
  'error',
  'warn',
  'warning',
  'info',
  'notice',
  'fatal',
  'critical',
  'alert',
  'log',
  'debug',
  'trace',
  'verbose',
  'emerg',
  'crit',
  'silly',
  'http',
]);
const SPAN_METHODS = new Set([
  'recordException',
  'addEvent',
  'setStatus',
  'setAttribute',
  'setAttributes',
]);
const STATSD_METHODS = new Set([
  'increment',
  'decrement',
  'gauge',
  'histogram',
  'timing',
  'distribution',
]);
const MONITOR_WORDS = new Set([
  'log',
  'logger',
  'audit',
  'track',
  'monitor',
  'alert',
  'report',
  'notify',
  'metric',
  'metrics',
  'telemetry',
  'capture',
  'record',
  'instrument',
]);
/**
 * A name starting with one of these reads what was recorded (`getLogs`, `fetchMetrics`): not
 * monitoring.
 */
const READ_VERBS = new Set([
  'get',
  'find',
  'fetch',
  'load',
  'read',
  'list',
  'query',
  'select',
  'count',
  'search',
  'is',
  'has',
  'parse',
  'format',
  'to',
]);
/** With these, `record` is a database row (`updateRecord`, `generateRecordId`), not the verb. */
const DATA_VERBS = new Set([
  'create',
  'update',
  'delete',
  'remove',
  'insert',
  'upsert',
  'save',
  'generate',
  'set',
  'patch',
  'add',
  'copy',
  'move',
  'duplicate',
  'validate',
  'build',
  'map',
  'convert',
]);

/** Logging libraries whose created values are loggers, by `module:path` of the factory. */
const LOGGER_FACTORIES = new Set([
  'pino:',
  'pino:pino',
  'winston:createLogger',
  'winston:loggers.get',
  'winston:loggers.add',
  'bunyan:createLogger',
  'bunyan:',
  'log4js:getLogger',
  'signale:',
  'consola:create',
  'consola:createConsola',
  'loglevel:getLogger',
  '@logtape/logtape:getLogger',
  'tslog:',
  'roarr:',
]);
const LOGGER_CLASSES = new Set([
  '@nestjs/common:Logger',
  'signale:Signale',
  'tslog:Logger',
  'winston:Logger',
  '@nestjs/common:ConsoleLogger',
]);
const LOGGER_MODULES = new Set([
  'winston',
  'pino',
  'bunyan',
  'log4js',
  'signale',
  'consola',
  'loglevel',
  'npmlog',
]);

/** Is a name logger-like: `log`, `logger`, `appLogger`, `audit_log`, `req.log`, NestJS `Logger`? */
export function isLoggerName(name: string | undefined): boolean {
  if (!name) return false;
  const words = splitWords(name);
  const last = words[words.length - 1];
  return last === 'log' || last === 'logger' || /^_?(log|logger)$/i.test(name);
}

/**
 * Does a value come from a logging library (pino(), winston.createLogger(), new Logger() of
 * NestJS)?
 */
export function isLoggerValue(value: Value): boolean {
  if (value.kind === 'call') {
    const m = modulePath(value.callee);
    if (m && LOGGER_FACTORIES.has(`${m.source}:${m.path.join('.')}`)) return true;
    // logger.child({...}) keeps being a logger
    if (
      ts.isPropertyAccessExpression(unwrap(value.node.expression)) &&
      memberName(unwrap(value.node.expression)) === 'child'
    )
      return true;
    return false;
  }
  if (value.kind === 'instance') {
    const m = modulePath(value.of);
    return !!m && LOGGER_CLASSES.has(`${m.source}:${m.path.join('.')}`);
  }
  if (value.kind === 'module') {
    const m = modulePath(value);
    // winston's and signale's default loggers: winston.error(...), signale.error(...)
    return !!m && m.path.length === 0 && LOGGER_MODULES.has(m.source);
  }
  return false;
}

/**
 * A logger fetched where it is used: `app.get('logger')` (Feathers, Express settings),
 * `getLogger('auth')`, `container.resolve('logger')`.
 */
function isLoggerLookup(receiver: ts.Expression): boolean {
  if (!ts.isCallExpression(receiver)) return false;
  const name = calleeName(receiver);
  if (name && /^(getLogger|createLogger|childLogger|logger)$/.test(name)) return true;
  const first = receiver.arguments[0];
  return (
    !!name &&
    /^(get|resolve|service|inject)$/.test(name) &&
    !!first &&
    ts.isStringLiteralLike(first) &&
    isLoggerName(first.text)
  );
}

/** Request/access-log middleware factories: an access log line is not monitoring (SPEC). */
const ACCESS_LOG_MODULES = new Set([
  'morgan',
  'koa-logger',
  'hono/logger',
  'pino-http',
  'express-pino-logger',
  '@fastify/request-logger',
]);

/** The `debug` package: off in production, so not monitoring (SPEC). */
function isDebugPackageValue(value: Value): boolean {
  if (value.kind === 'call') {
    const m = modulePath(value.callee);
    return !!m && m.source === 'debug' && m.path.length === 0;
  }
  if (value.kind === 'module') return value.source === 'debug';
  return false;
}

/**
 * Does the function name say it monitors (`logAuthFailure`, `audit_event`; not `login`, `catalog`)?
 */
/**
 * Every MONITOR_WORDS word as a substring: a name without one cannot say it monitors (checked
 * before splitting).
 */
const MONITOR_WORD_TEXT = new RegExp([...MONITOR_WORDS].join('|'), 'i');

export function nameSaysMonitor(name: string | undefined): boolean {
  if (!name || !MONITOR_WORD_TEXT.test(name)) return false;
  const words = splitWords(name);
  // `logIn` / `logOut` (passport) split into `log` + `in`: they are login and logout, not logging
  const signIn = words.findIndex(
    (w, i) => w === 'log' && /^(in|on|out|off)$/.test(words[i + 1] ?? ''),
  );
  const said = words.filter((w, i) => MONITOR_WORDS.has(w) && !(signIn >= 0 && i === signIn));
  if (said.length === 0) return false;
  // `getLogs()`, `fetchMetrics()`: reading what was recorded monitors nothing
  if (READ_VERBS.has(words[0])) return false;
  // `updateRecord()`, `generateRecordId()`: a record is a row in data-centric code, unless it is
  // the verb
  if (
    said.every((w) => w === 'record' || w === 'records') &&
    words[0] !== 'record' &&
    DATA_VERBS.has(words[0])
  )
    return false;
  return true;
}

export interface MonitoringOptions {
  /** Extra monitor names from config (`monitors`): a call whose name or dotted label matches. */
  monitors: ReadonlySet<string>;
}

/**
 * Classifies one call as immediate monitoring evidence, or undefined. Propagation (`next(err)`)
 * is recognised here too; `throw` statements are recognised by the region summary.
 */
export function monitoringEvidence(
  call: ts.CallExpression,
  resolver: Resolver,
  options: MonitoringOptions,
  sf: ts.SourceFile,
): Evidence | undefined {
  const callee = unwrap(call.expression);
  const name = calleeName(call);
  // the label is the call's text: taken only for calls that are evidence (most calls are not)
  const label = (): string => shortLabel(callee, sf);
  if (
    options.monitors.size > 0 &&
    ((name && options.monitors.has(name)) || options.monitors.has(label()))
  )
    return { kind: 'configured', label: label() };

  if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
    const receiver = unwrap(callee.expression);
    const member = memberEvidence(callee, receiver, resolver, label);
    const found =
      member === undefined && nameSaysMonitor(name)
        ? { kind: 'name' as const, label: label() }
        : (member ?? undefined);
    // Math.log, Error.captureStackTrace, z.record, _.map: resolve to APIs that record nothing.
    // Asked only of a call that would count: most calls are not evidence.
    return found && isNonRecording(receiver, resolver) ? undefined : found;
  }
  if (ts.isIdentifier(callee)) {
    const value = resolver.evaluate(callee);
    if (isDebugPackageValue(value)) return undefined;
    const m = modulePath(value);
    if (m && NON_RECORDING_MODULES.has(m.source)) return undefined;
    // a function of this file: its body decides (call graph), not its name. (A project import
    // keeps the name rule: its module may be outside the scan.)
    if (value.kind === 'function') {
      return isPropagationCall(call) ? { kind: 'propagate', label: label() } : undefined;
    }
    // `app.use(logger())` from hono/logger, `morgan('combined')`: an HTTP access log (SPEC)
    if (m && ACCESS_LOG_MODULES.has(m.source)) return undefined;
    if (m && /^@sentry\//.test(m.source) && /^capture/.test(m.path[m.path.length - 1] ?? ''))
      return { kind: 'report', label: label() };
    // next(err), done(err), cb(err), reject(err): hands the error to whoever handles errors
    // upstream
    if (isPropagationCall(call)) return { kind: 'propagate', label: label() };
  }
  if (nameSaysMonitor(name)) {
    // a logger-named function created by the debug package is not monitoring
    return { kind: 'name', label: label() };
  }
  return undefined;
}

/**
 * A method call's evidence (`logger.error`, `span.recordException`, `Sentry.captureException`);
 * null where the call is known not to be (`console.table`, a `debug` logger), so that its name
 * does not count either.
 */
function memberEvidence(
  callee: ts.PropertyAccessExpression | ts.ElementAccessExpression,
  receiver: ts.Expression,
  resolver: Resolver,
  label: () => string,
): Evidence | null | undefined {
  const method = memberName(callee) ?? '';
  const recvName = receiverName(receiver);
  if (ts.isIdentifier(receiver) && receiver.text === 'console' && !resolver.isDeclared(receiver)) {
    return CONSOLE_METHODS.has(method) ? { kind: 'log', label: label() } : null;
  }
  if (LOGGER_METHODS.has(method)) {
    const recvValue = resolver.evaluate(receiver);
    if (isDebugPackageValue(recvValue)) return null;
    if (isLoggerName(recvName) || isLoggerValue(recvValue) || isLoggerLookup(receiver))
      return { kind: 'log', label: label() };
  }
  if (
    SPAN_METHODS.has(method) &&
    (method === 'recordException' ||
      /span/i.test(recvName ?? '') ||
      (ts.isCallExpression(receiver) && /span/i.test(calleeName(receiver) ?? '')))
  ) {
    return { kind: 'telemetry', label: label() };
  }
  if ((method === 'add' || method === 'record') && isInstrument(receiver, resolver))
    return { kind: 'telemetry', label: label() };
  if (method === 'inc' || method === 'observe') return { kind: 'telemetry', label: label() };
  if (
    STATSD_METHODS.has(method) &&
    // a statsd/metrics client; not a query builder (`db('t').increment()`) or a throttler store
    !ts.isCallExpression(receiver) &&
    STATSD_RECEIVER.test(recvName ?? '')
  )
    return { kind: 'telemetry', label: label() };
  if (
    /^(captureException|captureMessage|captureEvent|noticeError|trackException|trackEvent)$/.test(
      method,
    )
  )
    return { kind: 'report', label: label() };
  if (method === 'notify' && /bugsnag/i.test(recvName ?? ''))
    return { kind: 'report', label: label() };
  if (/^(error|warning|critical)$/.test(method) && /rollbar/i.test(recvName ?? ''))
    return { kind: 'report', label: label() };
  return undefined;
}

const PROPAGATORS = /^(next|done|cb|callback|reject)$/;

/** Globals whose methods only compute (`Math.log`, `Error.captureStackTrace`, `JSON.stringify`). */
const NON_RECORDING_GLOBALS = new Set([
  'Math',
  'Error',
  'Object',
  'Array',
  'JSON',
  'Reflect',
  'Number',
  'String',
  'Promise',
  'Date',
  'Buffer',
  'Symbol',
  'Intl',
  'Atomics',
]);

/**
 * Schema builders, collection helpers, query builders and ORMs: `z.record`, `_.map`,
 * `knex.increment`.
 */
const NON_RECORDING_MODULES = new Set([
  'zod',
  'yup',
  'joi',
  'valibot',
  'superstruct',
  '@sinclair/typebox',
  'class-validator',
  'lodash',
  'lodash-es',
  'underscore',
  'ramda',
  'immutable',
  'knex',
  'typeorm',
  'sequelize',
  'mongoose',
  '@prisma/client',
  'drizzle-orm',
]);

/** Receivers whose `increment`/`gauge`/`timing` are metrics: a statsd or metrics client. */
const STATSD_RECEIVER = new RegExp(
  [
    'stat|metric|dog|^dd$|datadog|telemetry|monitor|counter|gauge|histogram',
    'instrument|^client$|prom|measure|meter',
  ].join('|'),
  'i',
);

function isNonRecording(receiver: ts.Expression, resolver: Resolver): boolean {
  if (ts.isIdentifier(receiver) && NON_RECORDING_GLOBALS.has(receiver.text))
    return !resolver.isDeclared(receiver);
  if (!ts.isIdentifier(receiver) && !ts.isPropertyAccessExpression(receiver)) return false;
  const m = modulePath(resolver.evaluate(receiver));
  return !!m && NON_RECORDING_MODULES.has(m.source);
}

/** `next(err)` / `done(err)` / `cb(err)` / `reject(err)` with a real argument. */
export function isPropagationCall(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee) || !PROPAGATORS.test(callee.text)) return false;
  const arg = call.arguments[0];
  if (!arg) return false;
  const a = unwrap(arg);
  if (
    a.kind === SK.NullKeyword ||
    a.kind === SK.FalseKeyword ||
    (ts.isIdentifier(a) && a.text === 'undefined')
  )
    return false;
  return true;
}

/** A metric instrument: named like one, or created by `meter.createCounter(...)` and friends. */
function isInstrument(receiver: ts.Expression, resolver: Resolver): boolean {
  const name = receiverName(receiver) ?? '';
  if (/counter|histogram|metric|gauge|instrument/i.test(name)) return true;
  const value = resolver.evaluate(receiver);
  if (value.kind === 'call') {
    const factory = calleeName(value.node) ?? '';
    return /^create(Counter|Histogram|UpDownCounter|Gauge|ObservableCounter|ObservableGauge)$/.test(
      factory,
    );
  }
  return false;
}

export function shortLabel(callee: ts.Expression, sf: ts.SourceFile): string {
  const text = callee.getText(sf).replace(/\s+/g, '').replace(/\?\./g, '.');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Does a (dotted) label contain one of these words: `auditLog.write` has `audit`? */
export function splitWordsHasAny(label: string, words: readonly string[]): boolean {
  const split = splitWords(label);
  return words.some((w) => split.includes(w));
}
