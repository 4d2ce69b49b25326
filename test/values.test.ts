import { describe, expect, it } from 'vitest';
import { parseFile } from '../src/project.js';
import { Resolver, type Value } from '../src/analysis/file/values.js';
import { ts, walk, normalisedText, calleeLabel, NO_TOKENS } from '../src/analysis/file/ast.js';

/** The resolver over a snippet, and the callee of the n-th call named `name`. */
function setup(code: string) {
  const { sourceFile } = parseFile('/virtual/x.ts', code);
  const resolver = new Resolver(sourceFile);
  const callees = (name: string): ts.Expression[] => {
    const out: ts.Expression[] = [];
    walk(sourceFile, (n) => {
      if (ts.isCallExpression(n) && n.expression.getText(sourceFile) === name)
        out.push(n.expression);
    });
    return out;
  };
  return { resolver, callees };
}

const brief = (v: Value) =>
  v.kind === 'module'
    ? `module ${v.source}:${v.path.join('.')}`
    : v.kind === 'param'
      ? `param ${v.name}#${v.index}`
      : v.kind;

describe('Resolver', () => {
  it('tells apart the names a destructured parameter declares, whichever is asked first', () => {
    const { resolver, callees } = setup('function f({ a, b }, c) { b(); a(); c(); b(); }');
    expect(callees('b').map((e) => brief(resolver.evaluate(e)))).toEqual([
      'param b#0',
      'param b#0',
    ]);
    expect(brief(resolver.evaluate(callees('a')[0]))).toBe('param a#0');
    expect(brief(resolver.evaluate(callees('c')[0]))).toBe('param c#1');
  });

  it(
    'gives a member chain the same value whether ' + 'it is asked alone or inside a longer chain',
    () => {
      const code =
        "import * as jwt from 'jsonwebtoken'; const lib = { jwt }; const v = lib.jwt.verify; " +
        'v(t); lib.jwt.verify(t); lib.jwt.decode.call(t);';
      const first = setup(code);
      expect(brief(first.resolver.evaluate(first.callees('lib.jwt.decode.call')[0]))).toBe(
        'module jsonwebtoken:decode.call',
      );
      expect(brief(first.resolver.evaluate(first.callees('v')[0]))).toBe(
        'module jsonwebtoken:verify',
      );
      expect(brief(first.resolver.evaluate(first.callees('lib.jwt.verify')[0]))).toBe(
        'module jsonwebtoken:verify',
      );
      // asked in the other order, from a fresh resolver: the same answers
      const second = setup(code);
      expect(brief(second.resolver.evaluate(second.callees('lib.jwt.verify')[0]))).toBe(
        'module jsonwebtoken:verify',
      );
      expect(brief(second.resolver.evaluate(second.callees('v')[0]))).toBe(
        'module jsonwebtoken:verify',
      );
    },
  );

  it('answers cut short by a cycle are not remembered as final', () => {
    const { resolver, callees } = setup(
      "const a = b; const b = a; a(); b(); const j = require('jose'); const k = j; k.jwtVerify(x);",
    );
    expect(brief(resolver.evaluate(callees('a')[0]))).toBe('unknown');
    expect(brief(resolver.evaluate(callees('b')[0]))).toBe('unknown');
    expect(brief(resolver.evaluate(callees('k.jwtVerify')[0]))).toBe('module jose:jwtVerify');
  });

  it('finds the innermost declaration of a name, scope by scope', () => {
    const { resolver, callees } = setup(
      "import log from 'pino'; function f() { log(); { const log = require('debug'); " +
        'log(); } log(); } log();',
    );
    expect(callees('log').map((e) => brief(resolver.evaluate(e)))).toEqual([
      'module pino:default',
      'module debug:',
      'module pino:default',
      'module pino:default',
    ]);
  });
});

describe('normalisedText', () => {
  const naive = (text: string, max: number) => {
    const t = text.replace(/\s+/g, ' ').trim();
    return t.length > max ? t.slice(0, max) : t;
  };
  it(
    'equals collapsing the whole text, whatever ' + 'the length and wherever whitespace runs fall',
    () => {
      for (const pad of [0, 1, 5, 190, 199, 200, 201, 399, 400, 401, 800]) {
        for (const gap of ['', ' ', '\n\n   \t', ' '.repeat(450)]) {
          const code = `f(${'a'.repeat(pad)},${gap}b,${gap}() => {${gap}return 1;${gap}})${gap}`;
          const { sourceFile } = parseFile('/virtual/n.ts', `${code};`);
          let call: ts.CallExpression | undefined;
          walk(sourceFile, (n) => {
            if (!call && ts.isCallExpression(n)) call = n;
          });
          for (const max of [10, 200])
            expect(
              normalisedText(call!, sourceFile, max),
              `pad ${pad} gap ${gap.length} max ${max}`,
            ).toBe(naive(call!.getText(sourceFile), max));
        }
      }
    },
  );
});

describe('calleeLabel', () => {
  const naive = (text: string) => {
    const t = text.replace(/\s+/g, '');
    return t.length > 60 ? `${t.slice(0, 57)}...` : t;
  };
  it('equals stripping the whole callee, for short and long callees and any whitespace', () => {
    for (const links of [0, 1, 3, 8, 40]) {
      for (const gap of ['', ' ', '\n   \t', ' '.repeat(300)]) {
        // a chain: each call's callee holds every link before it
        const chain = Array.from({ length: links }, (_, i) => `.link${i}(${gap}x${gap})`).join(gap);
        const { sourceFile } = parseFile('/virtual/c.ts', `db${gap}${chain}${gap}.run();`);
        const calls: ts.CallExpression[] = [];
        walk(sourceFile, (n) => {
          if (ts.isCallExpression(n)) calls.push(n);
        });
        for (const call of calls)
          expect(calleeLabel(call, sourceFile), `links ${links} gap ${gap.length}`).toBe(
            naive(call.expression.getText(sourceFile)),
          );
      }
    }
  });
});

describe('walk', () => {
  it('without tokens visits every other node, in the same order', () => {
    const code = `
      import { a } from './a';
      export class C { m(x: number) { if (x > 1) throw new Error('no'); return a?.(x) ?? 0; } }
      const f = async ({ y }: { y: string }) => \`\${y}\` + (await g(y, /re/g, 1n));
    `;
    const { sourceFile } = parseFile('/virtual/w.ts', code);
    const all: ts.Node[] = [];
    walk(sourceFile, (n) => {
      all.push(n);
    });
    const some: ts.Node[] = [];
    walk(
      sourceFile,
      (n) => {
        some.push(n);
      },
      NO_TOKENS,
    );
    expect(some).toEqual(all.filter((n) => n.kind >= ts.SyntaxKind.FirstNode));
    // identifiers, literals and keywords were there to skip
    expect(all.length - some.length).toBeGreaterThan(20);
  });
});
