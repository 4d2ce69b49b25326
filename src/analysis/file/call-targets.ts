/**
 * Where a call goes, when it goes into the project's own code: a function in this file, an
 * export of another project module, a method of a project class. Resolved across files later
 * by the call graph (call-graph.ts); here we only record what the bindings say.
 */
import { ts, unwrap, memberName, receiverName, type FunctionNode } from './ast.js';
import type { Resolver } from './values.js';

import type { CallTarget } from './project-code.js';

export type { CallTarget };

/** Method names a token-issuing or credential-checking schema method has. */
const SCHEMA_METHOD = /token|jwt|sign(?!al)|login|credential|password|session|auth/i;

export function callTarget(
  call: ts.CallExpression,
  resolver: Resolver,
  fnId: (node: FunctionNode) => number,
): CallTarget | undefined {
  // asked of the same call by the walk, route passes and failure-path summaries: remembered with
  // the file's bindings, and dropped with them
  const known = resolver.callTargets.get(call);
  if (known !== undefined) return known ?? undefined;
  const target = targetOfCallee(call.expression, resolver, fnId);
  resolver.callTargets.set(call, target ?? null);
  return target;
}

/**
 * Where calling this expression would go: also for a handler passed by reference
 * (`router.post('/login', auth.login)`).
 */
export function targetOfCallee(
  expr: ts.Expression,
  resolver: Resolver,
  fnId: (node: FunctionNode) => number,
): CallTarget | undefined {
  const callee = unwrap(expr);
  const value = resolver.evaluate(callee);
  if (value.kind === 'function') return { kind: 'local', fn: fnId(value.node) };
  if (value.kind === 'module')
    return resolver.specifiers.has(value.source)
      ? { kind: 'module', source: value.source, path: value.path }
      : undefined;
  if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee))
    return undefined;
  const method = memberName(callee);
  if (!method) return undefined;
  const object = unwrap(callee.expression);
  const objectValue = resolver.evaluate(object);
  if (objectValue.kind === 'instance') {
    if (objectValue.of.kind === 'class')
      return { kind: 'method', className: objectValue.of.name, method };
    if (objectValue.of.kind === 'module')
      return resolver.specifiers.has(objectValue.of.source)
        ? {
            kind: 'module',
            source: objectValue.of.source,
            path: [...objectValue.of.path, '#instance', method],
          }
        : undefined;
    // `new Map()`, `new Date()`: an undeclared constructor is a global built-in, never project code
    if (objectValue.of.kind === 'unknown') return undefined;
    return { kind: 'receiver', receiver: objectValue.name, method };
  }
  // user.generateToken(), account.accessToken(): a model document's schema method, by name
  if (
    (objectValue.kind === 'call' ||
      objectValue.kind === 'unknown' ||
      objectValue.kind === 'param') &&
    SCHEMA_METHOD.test(method)
  )
    return { kind: 'receiver', receiver: '#schema', method };
  if (objectValue.kind === 'unknown') {
    const recv = receiverName(object);
    if (recv && recv !== 'this' && /^[A-Za-z_$][\w$]*$/.test(recv) && SERVICE_RECEIVER.test(recv)) {
      return { kind: 'receiver', receiver: recv, method };
    }
  }
  return undefined;
}

/** A receiver of unknown value named like a project object: its methods are project code. */
const SERVICE_RECEIVER = new RegExp(
  [
    'service|helper|util|manager|provider|repository|repo|auth|security|audit',
    'monitor|tracker|handler',
  ].join('|'),
  'i',
);
