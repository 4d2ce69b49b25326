/**
 * The baseline the scan is measured against: the same file list (the engine's own `discover()`),
 * each file read and parsed with the TypeScript parser bundled in ts-morph
 * (`createSourceFile(..., setParentNodes: true)`, same script kinds as src/project.ts), and
 * nothing else: no walk, no facts, each tree dropped at once. Single thread. With `--walk`, also
 * one `forEachChild` descent over every node of each tree (the baseline some measurements in
 * issue 18 used: the least any analysis that looks at every node must add).
 *
 * `node dist/bench/parse-only.js [--walk] [PATH...]` (paths relative to the working directory,
 * default `.`) prints one JSON line on stdout:
 * { files, lines, bytes, nodes, discoverMs, parseMs, totalMs } (totalMs from process start).
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ts } from '../src/typescript.cjs';
import { discover } from '../src/discover.js';

function scriptKind(file: string): ts.ScriptKind {
  switch (path.extname(file).toLowerCase()) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    default:
      return ts.ScriptKind.JSX;
  }
}

export interface ParseOnlyResult {
  files: number;
  /** Nodes visited by `--walk` (else top-level statements). */
  nodes: number;
  lines: number;
  bytes: number;
  discoverMs: number;
  parseMs: number;
  totalMs: number;
}

export async function parseOnly(
  cwd: string,
  paths: string[],
  walk = false,
): Promise<ParseOnlyResult> {
  const t0 = performance.now();
  const { files } = await discover({ cwd, paths, ignore: [], includeTests: false });
  const t1 = performance.now();
  let lines = 0;
  let bytes = 0;
  let nodes = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    bytes += text.length;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
    // keep the parse observable; the tree is dropped here
    nodes += walk ? countNodes(sf) : sf.statements.length;
  }
  const t2 = performance.now();
  if (nodes < 0) throw new Error('unreachable');
  return {
    files: files.length,
    nodes,
    lines,
    bytes,
    discoverMs: t1 - t0,
    parseMs: t2 - t1,
    totalMs: performance.now(),
  };
}

function countNodes(node: ts.Node): number {
  let n = 1;
  node.forEachChild((child) => {
    n += countNodes(child);
  });
  return n;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const walk = args.includes('--walk');
  const paths = args.filter((a) => a !== '--walk');
  const result = await parseOnly(process.cwd(), paths.length > 0 ? paths : ['.'], walk);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
