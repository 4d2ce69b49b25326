/**
 * What a name *is*: a tiny abstract interpreter over one file's bindings. It resolves
 * identifiers by scope lookup (never by spelling) to what they were bound to — an import or
 * `require`, a member of one, a local function, a class instance, a logger created by a logging
 * library — so `import { verify as v } from 'jsonwebtoken'`, `const { verify } = require(...)`,
 * `promisify(jwt.verify)` and a shadowing parameter named `jwt` are all told apart.
 */
import { type CallTarget, ProjectSpecifiers } from './project-code.js';
import {
  ts,
  unwrap,
  unwrapAwait,
  memberName,
  boundNames,
  isFunctionLike,
  type FunctionNode,
  SK,
} from './ast.js';

export type Value =
  /**
   * A module or a member path inside it. `source` is a package name or a project module specifier.
   */
  | { kind: 'module'; source: string; path: string[]; promisified?: boolean }
  | { kind: 'function'; node: FunctionNode }
  | { kind: 'class'; node: ts.ClassLikeDeclaration; name: string }
  /** An instance of a class: `new AuthService()`, a constructor-injected `JwtService`. */
  | { kind: 'instance'; of: Value; name: string; node?: ts.NewExpression }
  | { kind: 'object'; node: ts.ObjectLiteralExpression }
  /** The result of calling something: `createVerifier({...})`, `pino()`. */
  | { kind: 'call'; callee: Value; node: ts.CallExpression }
  /** A function parameter of the enclosing function (index), unknown at this point. */
  | { kind: 'param'; fn: FunctionNode; index: number; name: string }
  | { kind: 'unknown' };

const UNKNOWN: Value = { kind: 'unknown' };

/**
 * Module path segments that only the call graph can resolve: any member (`services[name]`), and
 * what calling the export returns.
 */
export const ANY_MEMBER = '#any';
export const CALL_RESULT = '#call';

type Declaration =
  | { kind: 'import'; source: string; path: string[] }
  | { kind: 'node'; node: ts.Node; name: string };

/** A node that opens a scope. */
const SCOPE_KINDS = new Set<ts.SyntaxKind>([
  SK.SourceFile,
  SK.Block,
  SK.CatchClause,
  SK.ForStatement,
  SK.ForOfStatement,
  SK.ForInStatement,
  SK.CaseBlock,
  SK.ModuleBlock,
]);
/**
 * SCOPE_KINDS and the function kinds as a table indexed by kind: asked of every ancestor of every
 * lookup.
 */
const IS_SCOPE_KIND = new Uint8Array(SK.Count);
for (const kind of SCOPE_KINDS) IS_SCOPE_KIND[kind] = 1;
for (let kind = 0; kind < SK.Count; kind++)
  if (isFunctionLike({ kind } as ts.Node)) IS_SCOPE_KIND[kind] = 1;

function isScope(node: ts.Node): boolean {
  return IS_SCOPE_KIND[node.kind] === 1;
}

export class Resolver {
  private readonly scopes = new Map<ts.Node, Map<string, Declaration>>();
  /**
   * Declarations' values, with the name they were asked for (a destructured parameter declares
   * several).
   */
  private readonly memo = new Map<ts.Node, { name: string; value: Value }>();
  private readonly inProgress = new Set<ts.Node>();

  constructor(
    readonly sf: ts.SourceFile,
    readonly specifiers: ProjectSpecifiers = new ProjectSpecifiers(),
  ) {}

  private readonly evaluated = new Map<ts.Node, Value>();
  /** call-targets.ts's answers for this file's calls (null: not project code). */
  readonly callTargets = new Map<ts.CallExpression, CallTarget | null>();
  /**
   * Answers cut short so far, by the depth limit or by a cycle in progress. Only an answer whose
   * computation cut nothing is remembered: it is the same at any depth. (Remembering top-level
   * answers only re-evaluated `a.b` inside every `a.b.c` and `a.b.d`, and every declaration
   * reached below the top.)
   */
  private cuts = 0;

  /**
   * What an expression evaluates to, as far as bindings tell. Complete answers are remembered per
   * node.
   */
  evaluate(expr: ts.Expression, depth = 0): Value {
    const known = this.evaluated.get(expr);
    if (known) return known;
    const cuts = this.cuts;
    const value = this.compute(expr, depth);
    if (this.cuts === cuts) this.evaluated.set(expr, value);
    return value;
  }

  private compute(expr: ts.Expression, depth: number): Value {
    if (depth > 12) {
      this.cuts++;
      return UNKNOWN;
    }
    const e = unwrap(expr);
    if (ts.isAwaitExpression(e)) return this.evaluate(e.expression, depth + 1);
    if (ts.isIdentifier(e)) return this.lookup(e, depth);
    if (e.kind === SK.ThisKeyword) return UNKNOWN;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
      const name = memberName(e);
      if (name === undefined) {
        // services[name]: any member of a project module's export (resolved to all of them later)
        const object = ts.isElementAccessExpression(e)
          ? this.evaluate(e.expression, depth + 1)
          : UNKNOWN;
        return object.kind === 'module' && this.specifiers.has(object.source)
          ? { kind: 'module', source: object.source, path: [...object.path, ANY_MEMBER] }
          : UNKNOWN;
      }
      if (e.expression.kind === SK.ThisKeyword) return this.thisMember(e, name, depth);
      return member(this.evaluate(e.expression, depth + 1), name, this, depth);
    }
    if (ts.isCallExpression(e)) return this.evaluateCall(e, depth);
    if (ts.isNewExpression(e)) {
      const cls = this.evaluate(e.expression, depth + 1);
      const name = ts.isIdentifier(unwrap(e.expression))
        ? (unwrap(e.expression) as ts.Identifier).text
        : (memberName(unwrap(e.expression)) ?? '');
      return { kind: 'instance', of: cls, name, node: e };
    }
    if (ts.isFunctionExpression(e) || ts.isArrowFunction(e)) return { kind: 'function', node: e };
    if (ts.isClassExpression(e)) return { kind: 'class', node: e, name: e.name?.text ?? '' };
    if (ts.isObjectLiteralExpression(e)) return { kind: 'object', node: e };
    return UNKNOWN;
  }

  private evaluateCall(call: ts.CallExpression, depth: number): Value {
    const callee = unwrap(call.expression);
    // require('x'), import('x')
    if (
      ts.isIdentifier(callee) &&
      callee.text === 'require' &&
      call.arguments.length === 1 &&
      ts.isStringLiteralLike(call.arguments[0]) &&
      !this.isDeclared(callee)
    ) {
      return { kind: 'module', source: call.arguments[0].text, path: [] };
    }
    if (
      callee.kind === SK.ImportKeyword &&
      call.arguments[0] &&
      ts.isStringLiteralLike(call.arguments[0])
    ) {
      return { kind: 'module', source: call.arguments[0].text, path: [] };
    }
    const calleeValue = this.evaluate(callee, depth + 1);
    // promisify(jwt.verify), util.promisify(jwt.verify)
    const util = modulePath(calleeValue);
    if (
      util &&
      util.source === 'util' &&
      util.path.join('.') === 'promisify' &&
      call.arguments[0]
    ) {
      const inner = this.evaluate(call.arguments[0], depth + 1);
      return inner.kind === 'module' ? { ...inner, promisified: true } : inner;
    }
    // fn.bind(thisArg)
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind')
      return this.evaluate(callee.expression, depth + 1);
    // a lazy loader: (() => import('./web'))() is the module
    if (calleeValue.kind === 'function') {
      const lazy = lazyImportSource(calleeValue.node);
      if (lazy !== undefined) return { kind: 'module', source: lazy, path: [] };
    }
    return { kind: 'call', callee: calleeValue, node: call };
  }

  /** `this.x` inside a class: a constructor parameter property or a property declaration. */
  private thisMember(e: ts.Expression, name: string, depth: number): Value {
    const cls = enclosingClass(e);
    if (!cls) return UNKNOWN;
    for (const m of cls.members) {
      if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          if (
            ts.isIdentifier(p.name) &&
            p.name.text === name &&
            (ts.getCombinedModifierFlags(p) & ts.ModifierFlags.ParameterPropertyModifier) !== 0
          ) {
            return this.typeValue(p.type, depth);
          }
        }
      } else if (
        ts.isPropertyDeclaration(m) &&
        m.name &&
        ts.isIdentifier(m.name) &&
        m.name.text === name
      ) {
        if (m.initializer) return this.evaluate(m.initializer, depth + 1);
        return this.typeValue(m.type, depth);
      } else if (
        (ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) &&
        m.name &&
        ts.isIdentifier(m.name) &&
        m.name.text === name
      ) {
        return { kind: 'function', node: m };
      }
    }
    return UNKNOWN;
  }

  /** A type annotation `JwtService` -> an instance of whatever `JwtService` is bound to. */
  typeValue(type: ts.TypeNode | undefined, depth: number): Value {
    if (!type || !ts.isTypeReferenceNode(type)) return UNKNOWN;
    const tn = type.typeName;
    if (ts.isIdentifier(tn)) return { kind: 'instance', of: this.lookup(tn, depth), name: tn.text };
    const left = tn.left;
    if (ts.isIdentifier(left))
      return {
        kind: 'instance',
        of: member(this.lookup(left, depth), tn.right.text, this, depth),
        name: tn.right.text,
      };
    return UNKNOWN;
  }

  /** Scope lookup of an identifier; declarations found by walking up the tree. */
  lookup(id: ts.Identifier, depth = 0): Value {
    const decl = this.findDeclaration(id);
    if (!decl) return UNKNOWN;
    if (decl.kind === 'import') return { kind: 'module', source: decl.source, path: decl.path };
    return this.valueOfDeclaration(decl.node, decl.name, depth);
  }

  isDeclared(id: ts.Identifier): boolean {
    return this.findDeclaration(id) !== undefined;
  }

  findDeclaration(id: ts.Identifier): Declaration | undefined {
    const name = id.text;
    let scope: ts.Node | undefined = id.parent;
    while (scope && !isScope(scope)) scope = scope.parent;
    if (!scope) return undefined;
    // the answer depends only on the innermost scope and the name: `res`, `console`, `logger`
    // come up many times in one function
    let known = this.found.get(scope);
    if (!known) this.found.set(scope, (known = new Map()));
    const hit = known.get(name);
    if (hit !== undefined) return hit ?? undefined;
    let found: Declaration | null = null;
    for (let n: ts.Node | undefined = scope; n && !found; n = n.parent) {
      if (isScope(n)) found = this.declarationsOf(n).get(name) ?? null;
    }
    known.set(name, found);
    return found ?? undefined;
  }

  /** findDeclaration's answers by innermost scope and name (null: not declared in the file). */
  private readonly found = new Map<ts.Node, Map<string, Declaration | null>>();

  private valueOfDeclaration(node: ts.Node, name: string, depth: number): Value {
    const cached = this.memo.get(node);
    if (cached && cached.name === name) return cached.value;
    if (this.inProgress.has(node)) {
      this.cuts++;
      return UNKNOWN;
    }
    this.inProgress.add(node);
    const cuts = this.cuts;
    try {
      const value = this.computeDeclaration(node, name, depth);
      // Only a complete answer is remembered: one cut short by a cycle or the depth limit is not.
      if (this.cuts === cuts) this.memo.set(node, { name, value });
      return value;
    } finally {
      this.inProgress.delete(node);
    }
  }

  private computeDeclaration(node: ts.Node, name: string, depth: number): Value {
    if (ts.isFunctionDeclaration(node)) return { kind: 'function', node };
    if (ts.isClassDeclaration(node)) return { kind: 'class', node, name: node.name?.text ?? name };
    if (ts.isParameter(node)) {
      const fn = node.parent;
      if (node.type) {
        const typed = this.typeValue(node.type, depth);
        if (typed.kind === 'instance' && typed.of.kind !== 'unknown') return typed;
      }
      if (isFunctionLike(fn))
        return { kind: 'param', fn, index: fn.parameters.indexOf(node), name };
      return UNKNOWN;
    }
    if (ts.isVariableDeclaration(node)) {
      if (ts.isIdentifier(node.name)) {
        if (!node.initializer) return this.typeValue(node.type, depth);
        return this.evaluate(node.initializer, depth + 1);
      }
      return UNKNOWN;
    }
    if (ts.isBindingElement(node)) {
      // const { verify } = require('jsonwebtoken'); const { verify: v } = jwt;
      const pattern = node.parent;
      const holder = pattern.parent;
      let source: Value = UNKNOWN;
      if (ts.isVariableDeclaration(holder) && holder.initializer)
        source = this.evaluate(holder.initializer, depth + 1);
      else if (ts.isBindingElement(holder)) source = this.valueOfDeclaration(holder, '', depth + 1);
      if (ts.isObjectBindingPattern(pattern)) {
        const prop = node.propertyName
          ? ts.isIdentifier(node.propertyName) || ts.isStringLiteral(node.propertyName)
            ? node.propertyName.text
            : undefined
          : ts.isIdentifier(node.name)
            ? node.name.text
            : undefined;
        if (prop === undefined) return UNKNOWN;
        return member(source, prop, this, depth);
      }
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  /**
   * Names declared directly in a scope node (imports, var/let/const, functions, classes, params).
   */
  private declarationsOf(scope: ts.Node): Map<string, Declaration> {
    let map = this.scopes.get(scope);
    if (map) return map;
    map = new Map();
    const addBinding = (name: ts.BindingName, holder: ts.Node) => {
      if (ts.isIdentifier(name)) {
        map!.set(name.text, { kind: 'node', node: holder, name: name.text });
        return;
      }
      for (const el of name.elements) {
        if (ts.isOmittedExpression(el)) continue;
        if (ts.isIdentifier(el.name))
          map!.set(el.name.text, { kind: 'node', node: el, name: el.name.text });
        else addBinding(el.name, el);
      }
    };
    const addStatements = (statements: readonly ts.Statement[]) => {
      for (const st of statements) {
        if (ts.isVariableStatement(st))
          for (const d of st.declarationList.declarations) addBinding(d.name, d);
        else if (ts.isFunctionDeclaration(st) && st.name)
          map!.set(st.name.text, { kind: 'node', node: st, name: st.name.text });
        else if (ts.isClassDeclaration(st) && st.name)
          map!.set(st.name.text, { kind: 'node', node: st, name: st.name.text });
        else if (
          ts.isImportDeclaration(st) &&
          ts.isStringLiteral(st.moduleSpecifier) &&
          st.importClause &&
          !st.importClause.isTypeOnly
        ) {
          const source = st.moduleSpecifier.text;
          const clause = st.importClause;
          if (clause.name)
            map!.set(clause.name.text, { kind: 'import', source, path: ['default'] });
          const nb = clause.namedBindings;
          if (nb && ts.isNamespaceImport(nb))
            map!.set(nb.name.text, { kind: 'import', source, path: [] });
          if (nb && ts.isNamedImports(nb)) {
            for (const el of nb.elements) {
              if (el.isTypeOnly) continue;
              map!.set(el.name.text, {
                kind: 'import',
                source,
                path: [(el.propertyName ?? el.name).text],
              });
            }
          }
        } else if (
          ts.isImportEqualsDeclaration(st) &&
          ts.isExternalModuleReference(st.moduleReference) &&
          ts.isStringLiteral(st.moduleReference.expression)
        ) {
          map!.set(st.name.text, {
            kind: 'import',
            source: st.moduleReference.expression.text,
            path: [],
          });
        } else if (ts.isExportDeclaration(st) || ts.isExpressionStatement(st)) {
          // nothing declared
        }
      }
    };
    if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope))
      addStatements(scope.statements);
    else if (ts.isCaseBlock(scope)) for (const c of scope.clauses) addStatements(c.statements);
    else if (isFunctionLike(scope)) {
      for (const p of scope.parameters) {
        for (const n of boundNames(p.name))
          map.set(n, { kind: 'node', node: ts.isIdentifier(p.name) ? p : p, name: n });
      }
      if (ts.isFunctionExpression(scope) && scope.name)
        map.set(scope.name.text, { kind: 'node', node: scope, name: scope.name.text });
      if (scope.body && !ts.isBlock(scope.body)) {
        // expression body: no declarations
      }
    } else if (ts.isCatchClause(scope) && scope.variableDeclaration) {
      for (const n of boundNames(scope.variableDeclaration.name))
        map.set(n, { kind: 'node', node: scope.variableDeclaration, name: n });
    } else if (
      (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) &&
      scope.initializer &&
      ts.isVariableDeclarationList(scope.initializer)
    ) {
      for (const d of scope.initializer.declarations)
        for (const n of boundNames(d.name)) map.set(n, { kind: 'node', node: d, name: n });
    }
    this.scopes.set(scope, map);
    return map;
  }
}

/** `value.name`: a deeper module path, an object literal's property, a class's static. */
export function member(value: Value, name: string, resolver: Resolver, depth: number): Value {
  switch (value.kind) {
    case 'call':
      // `(await services.web()).default`: what a project module's function returns, resolved across
      // files
      if (value.callee.kind === 'module' && resolver.specifiers.has(value.callee.source))
        return {
          kind: 'module',
          source: value.callee.source,
          path: [...value.callee.path, CALL_RESULT, name],
        };
      return UNKNOWN;
    case 'module':
      return {
        kind: 'module',
        source: value.source,
        path: [...value.path, name],
        promisified: false,
      };
    case 'object': {
      for (const p of value.node.properties) {
        if (ts.isPropertyAssignment(p) && propName(p.name) === name)
          return resolver.evaluate(p.initializer, depth + 1);
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === name)
          return resolver.lookup(p.name, depth + 1);
        if (ts.isMethodDeclaration(p) && propName(p.name) === name)
          return { kind: 'function', node: p };
      }
      return UNKNOWN;
    }
    case 'instance':
      // `this.jwtService.verify` where jwtService: JwtService from '@nestjs/jwt'
      if (value.of.kind === 'module')
        return {
          kind: 'module',
          source: value.of.source,
          path: [...value.of.path, '#instance', name],
        };
      return UNKNOWN;
    case 'class': {
      for (const m of value.node.members) {
        if (ts.isMethodDeclaration(m) && propName(m.name) === name)
          return { kind: 'function', node: m };
      }
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

/**
 * A function that only loads a module: `() => import('./web')`, `function () { return
 * require('./web'); }`.
 */
export function lazyImportSource(fn: FunctionNode): string | undefined {
  const body = fn.body;
  if (!body) return undefined;
  let returned: ts.Expression | undefined;
  if (!ts.isBlock(body)) returned = body;
  else if (body.statements.length === 1 && ts.isReturnStatement(body.statements[0]))
    returned = body.statements[0].expression;
  if (!returned) return undefined;
  const e = unwrapAwait(returned);
  if (
    !ts.isCallExpression(e) ||
    e.arguments.length !== 1 ||
    !ts.isStringLiteralLike(e.arguments[0])
  )
    return undefined;
  const isLoader =
    e.expression.kind === SK.ImportKeyword ||
    (ts.isIdentifier(e.expression) && e.expression.text === 'require');
  return isLoader ? e.arguments[0].text : undefined;
}

export function propName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (
    ts.isIdentifier(name) ||
    ts.isStringLiteral(name) ||
    ts.isNumericLiteral(name) ||
    ts.isPrivateIdentifier(name)
  )
    return name.text;
  return undefined;
}

export function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return n;
  }
  return undefined;
}

/**
 * A module value with a leading `default` dropped: `import jwt from 'jsonwebtoken'` is the CJS
 * module.
 */
export function modulePath(
  value: Value,
): { source: string; path: string[]; promisified: boolean } | undefined {
  if (value.kind !== 'module') return undefined;
  const path = value.path[0] === 'default' ? value.path.slice(1) : value.path;
  return {
    source: value.source.replace(/^node:/, ''),
    path,
    promisified: value.promisified ?? false,
  };
}
