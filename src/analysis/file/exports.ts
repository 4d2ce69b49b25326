/**
 * What a file exports, as call-graph targets: functions, classes and their methods, objects of
 * functions, re-exports of other modules, JWT APIs re-exported under a project name, and apps.
 */
import type { ExportTarget, ClassFact, FileFacts } from './types.js';
import { isVerificationMiddleware } from './routes/syntax.js';
import { ts, unwrap, type FunctionNode, SK } from './ast.js';
import { type Resolver, type Value, propName } from './values.js';
import { apiOfValue } from '../libraries/jwt-apis.js';

/** Expressions whose value is a literal, as a table indexed by kind. */
const IS_LITERAL = new Uint8Array(SK.Count);
for (const kind of [
  SK.StringLiteral,
  SK.NumericLiteral,
  SK.BigIntLiteral,
  SK.NoSubstitutionTemplateLiteral,
  SK.TemplateExpression,
  SK.RegularExpressionLiteral,
  SK.TrueKeyword,
  SK.FalseKeyword,
  SK.NullKeyword,
  SK.ArrayLiteralExpression,
])
  IS_LITERAL[kind] = 1;

export function extractExports(
  sf: ts.SourceFile,
  resolver: Resolver,
  fnId: (n: FunctionNode) => number,
  appOfNode: ReadonlyMap<unknown, number>,
  classNodes: readonly ts.ClassLikeDeclaration[],
): Pick<FileFacts, 'exports' | 'starExports' | 'classes'> {
  // Keyed by names that differ in every file: dictionary objects from the start (no prototype, so
  // an export named `constructor` is just a name), not a hidden-class transition per name added.
  const exports: Record<string, ExportTarget> = Object.create(null);
  const starExports: string[] = [];
  const classes: Record<string, ClassFact> = Object.create(null);
  const toTarget = (value: Value, depth = 0): ExportTarget | undefined => {
    if (depth > 3) return undefined;
    switch (value.kind) {
      case 'function':
        return { kind: 'fn', fn: fnId(value.node) };
      case 'class':
        return { kind: 'class', name: value.name };
      case 'module':
        return { kind: 'module', source: value.source, path: value.path };
      case 'instance':
        if (value.node && appOfNode.has(value.node))
          return { kind: 'app', app: appOfNode.get(value.node)! };
        if (value.of.kind === 'class') return { kind: 'class', name: value.of.name };
        return undefined;
      case 'call': {
        if (appOfNode.has(value.node)) return { kind: 'app', app: appOfNode.get(value.node)! };
        const api = apiOfValue(value);
        if (api) return { kind: 'jwt', api };
        if (isVerificationMiddleware(value.node, resolver)) return { kind: 'verifier' };
        // catchAsync(async (req, res) => ...), asyncHandler(handler): the wrapped function does the
        // work
        const inner = value.node.arguments
          .map((a) => unwrap(a))
          .find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
        return inner ? { kind: 'fn', fn: fnId(inner as FunctionNode) } : undefined;
      }
      case 'object': {
        const members: Record<string, ExportTarget> = Object.create(null);
        for (const p of value.node.properties) {
          const name = p.name ? propName(p.name as ts.PropertyName) : undefined;
          if (!name) continue;
          let v: Value | undefined;
          // kind compares, not ts.isX (see SK): exported config objects have hundreds of members
          if (p.kind === SK.PropertyAssignment) {
            // a literal (`'users'`, `true`, `[...]`) is no function, class, module, instance,
            // call or object: no target, so not evaluated
            if (IS_LITERAL[unwrap(p.initializer).kind] === 1) continue;
            v = resolver.evaluate(p.initializer);
          } else if (p.kind === SK.ShorthandPropertyAssignment) v = resolver.lookup(p.name);
          else if (p.kind === SK.MethodDeclaration) v = { kind: 'function', node: p };
          const t = v && toTarget(v, depth + 1);
          if (t) members[name] = t;
        }
        return { kind: 'object', members };
      }
      default:
        return undefined;
    }
  };
  const set = (name: string, target: ExportTarget | undefined) => {
    if (target) exports[name] = target;
  };
  // Read the statement's own modifier list (decorators sit in it too, and are not keywords):
  // ts.getModifiers allocated a filtered copy per call, for every top-level statement.
  const hasModifier = (node: ts.Statement, kind: ts.SyntaxKind) => {
    const modifiers = (node as { modifiers?: ts.NodeArray<ts.ModifierLike> }).modifiers;
    if (modifiers) for (const m of modifiers) if (m.kind === kind) return true;
    return false;
  };
  const hasExport = (node: ts.Statement) => hasModifier(node, SK.ExportKeyword);
  const isDefault = (node: ts.Statement) => hasModifier(node, SK.DefaultKeyword);

  for (const node of classNodes) {
    {
      const name =
        node.name?.text ??
        (node.parent && ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)
          ? node.parent.name.text
          : undefined);
      if (name) {
        const methods = new Map<string, number>();
        for (const m of node.members) {
          if ((ts.isMethodDeclaration(m) || ts.isGetAccessor(m)) && m.body) {
            const n = propName(m.name);
            if (n) methods.set(n, fnId(m));
          } else if (
            ts.isPropertyDeclaration(m) &&
            m.initializer &&
            (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))
          ) {
            const n = propName(m.name);
            if (n) methods.set(n, fnId(m.initializer));
          }
        }
        classes[name] = { methods };
      }
    }
  }

  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && hasExport(st)) {
      const t: ExportTarget = { kind: 'fn', fn: fnId(st) };
      if (isDefault(st)) set('default', t);
      if (st.name) set(st.name.text, t);
    } else if (ts.isClassDeclaration(st) && hasExport(st)) {
      const t: ExportTarget | undefined = st.name
        ? { kind: 'class', name: st.name.text }
        : undefined;
      if (isDefault(st)) set('default', t);
      if (st.name) set(st.name.text, t);
    } else if (ts.isVariableStatement(st) && hasExport(st)) {
      for (const d of st.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.initializer)
          set(d.name.text, toTarget(resolver.evaluate(d.initializer)));
      }
    } else if (ts.isExportAssignment(st)) {
      set('default', toTarget(resolver.evaluate(st.expression)));
    } else if (ts.isExportDeclaration(st)) {
      const source =
        st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier)
          ? st.moduleSpecifier.text
          : undefined;
      if (!st.exportClause) {
        if (source) starExports.push(source);
      } else if (ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          if (source) set(el.name.text, { kind: 'module', source, path: [local] });
          else
            set(
              el.name.text,
              toTarget(
                resolver.lookup(
                  el.propertyName && ts.isIdentifier(el.propertyName)
                    ? el.propertyName
                    : (el.name as ts.Identifier),
                ),
              ),
            );
        }
      } else if (ts.isNamespaceExport(st.exportClause) && source) {
        set(st.exportClause.name.text, { kind: 'module', source, path: [] });
      }
    } else if (
      ts.isExpressionStatement(st) &&
      ts.isBinaryExpression(st.expression) &&
      st.expression.operatorToken.kind === SK.EqualsToken
    ) {
      // module.exports = ..., module.exports.x = ..., exports.x = ...
      const left = unwrap(st.expression.left);
      const right = st.expression.right;
      const text = left.getText(sf).replace(/\s+/g, '');
      if (text === 'module.exports') {
        const v = resolver.evaluate(right);
        const t = toTarget(v);
        if (t && t.kind === 'object') Object.assign(exports, t.members);
        set('default', t);
      } else {
        const m = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(text);
        if (m) set(m[1], toTarget(resolver.evaluate(right)));
      }
    }
  }
  return { exports, starExports, classes };
}
