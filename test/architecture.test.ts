/**
 * The architecture as tests (STYLE: conventions are tests): no import cycle through the analysis,
 * per-file extraction never imports project linking, rules never reach into the analysis, no
 * source file grows past 600 lines and no line past 100 characters.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = path.resolve(import.meta.dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(REPO, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(rel));
    else if (e.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/**
 * Every relative import of each file, type-only imports included (they tie modules together too).
 */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) =>
      path.posix.join(path.posix.dirname(file), m[1]).replace(/\.js$/, '.ts'),
    );
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components with more than one member, or a self-import (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) connect(v);
  return out;
}

const FILES = [...sources('src'), ...sources('rules')];
const GRAPH = importGraph(FILES);

/** The line width Biome formats code at; long strings and comments are wrapped by hand. */
const MAX_LINE = 100;

describe('architecture', () => {
  it('has no import cycle in src/ and rules/', () => {
    expect(cycles(GRAPH)).toEqual([]);
  });

  it('the cycle check finds a cycle when there is one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('per-file extraction and the library tables never import project linking', () => {
    const wrong = [...GRAPH].flatMap(([file, targets]) =>
      /^src\/analysis\/(file|libraries)\//.test(file)
        ? targets.filter((t) => t.startsWith('src/analysis/project/')).map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('rules import only the rule API', () => {
    const wrong = [...GRAPH].flatMap(([file, targets]) =>
      file.startsWith('rules/')
        ? targets
            .filter((t) => !t.startsWith('rules/') && t !== 'src/rule.ts')
            .map((t) => `${file} -> ${t}`)
        : [],
    );
    expect(wrong).toEqual([]);
  });

  it('keeps every source file within 600 lines', () => {
    const long = [...FILES, ...sources('bench'), ...sources('test')]
      .map((f) => [f, fs.readFileSync(path.join(REPO, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 600)
      .map(([f, n]) => `${f}: ${n}`);
    expect(long).toEqual([]);
  });

  it(`keeps every line of TypeScript within ${MAX_LINE} characters`, () => {
    const long = ['src', 'rules', 'test', 'bench', 'scripts']
      .flatMap((dir) => sources(dir))
      .flatMap((f) =>
        fs
          .readFileSync(path.join(REPO, f), 'utf8')
          .split('\n')
          .map((line, i) => [i + 1, [...line].length] as const)
          .filter(([, width]) => width > MAX_LINE)
          .map(([n, width]) => `${f}:${n}: ${width} characters`),
      );
    expect(long).toEqual([]);
  });
});
