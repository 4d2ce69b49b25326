/**
 * Summarises V8 `.cpuprofile` files (from `node --cpu-prof`; one per thread when the scan uses
 * workers): top functions by self time, and total time by source file (node_modules/typescript,
 * ts-morph, our src/...), so that hotspots can be named with evidence.
 *
 *   node --cpu-prof --cpu-prof-dir=.bench/prof bin/jwt-audit.js scan .bench/corpus-10000 ...
 *   node dist/bench/profile-summary.js .bench/prof [--top 40]
 */
import fs from 'node:fs';
import path from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** TypeScript API entry points listed by inclusive time (a key starts with the name, a space). */
const TS_API_ENTRY_POINTS = [
  'createSourceFile',
  'forEachChild',
  'getLineAndCharacterOfPosition',
  'computeLineStarts',
  'getTextOfNodeFromSourceText',
  'getTokenPosOfNode',
  'getText',
  'getStart',
  'getSourceTextOfNodeFromSourceFile',
  'flattenDiagnosticMessageText',
  'fixupParentReferences',
  'setParentRecursive',
  'getModifiers',
  'getCombinedModifierFlags',
  'canHaveModifiers',
];
const TS_API_ENTRY_POINT = new RegExp(`^(${TS_API_ENTRY_POINTS.join('|')}) `);

function shortUrl(url: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm !== -1) return u.slice(nm + 'node_modules/'.length);
  const d = u.indexOf('/dist/');
  if (d !== -1) return u.slice(d + 1);
  return u || '(native/vm)';
}

export function summarise(files: string[], top = 40): string {
  const self = new Map<string, number>();
  const byFile = new Map<string, number>();
  /** total (inclusive) time per function key, counted once per sample even under recursion */
  const inclusive = new Map<string, number>();
  let total = 0;
  for (const file of files) {
    const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = (n: ProfileNode) =>
      `${n.callFrame.functionName || '(anonymous)'}  ` +
      `${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
    for (let i = 0; i < p.samples.length; i++) {
      const dt = (p.timeDeltas[i] ?? 0) / 1000; // ms
      const node = byId.get(p.samples[i]);
      if (!node) continue;
      total += dt;
      const k = keyOf(node);
      self.set(k, (self.get(k) ?? 0) + dt);
      const f = node.callFrame.url
        ? shortUrl(node.callFrame.url).replace(/:\d+$/, '')
        : `(${node.callFrame.functionName})`;
      byFile.set(f, (byFile.get(f) ?? 0) + dt);
      const seen = new Set<string>();
      for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
        const kk = keyOf(byId.get(id)!);
        if (seen.has(kk)) continue;
        seen.add(kk);
        inclusive.set(kk, (inclusive.get(kk) ?? 0) + dt);
      }
    }
  }
  const pct = (ms: number) => `${((ms / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `total sampled: ${(total / 1000).toFixed(2)} s over ${files.length} profile(s)`,
    '',
    'top self time:',
  ];
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  lines.push('', 'self time by file:');
  for (const [k, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25))
    lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  // esbuild-style namespace export getters (`SyntaxKind: () => SyntaxKind`): every `ts.X` access in
  // hot code is a function call. They sit at the top of typescript.js (its export tables).
  const getterMs = [...self]
    .filter(([k]) => /typescript\.js:(\d+)$/.test(k) && Number(/:(\d+)$/.exec(k)![1]) < 2600)
    .reduce((s, [, ms]) => s + ms, 0);
  lines.push(
    '',
    'typescript.js namespace export getters (ts.X accesses), ' +
      `self: ${pct(getterMs)} ${getterMs.toFixed(0)} ms`,
  );
  lines.push('', 'top inclusive time, TypeScript API entry points:');
  for (const [k, ms] of [...inclusive]
    .filter(([k]) => TS_API_ENTRY_POINT.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 15))
    lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  lines.push('', 'top inclusive time, project code (dist/src, dist/rules):');
  for (const [k, ms] of [...inclusive]
    .filter(([k]) => /dist\/(src|rules)\//.test(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top))
    lines.push(`${pct(ms)} ${ms.toFixed(0).padStart(7)} ms  ${k}`);
  return `${lines.join('\n')}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const ti = args.indexOf('--top');
  const top = ti === -1 ? 40 : Number(args.splice(ti, 2)[1]);
  const files = args.flatMap((a) =>
    fs.statSync(a).isDirectory()
      ? fs
          .readdirSync(a)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(a, f))
      : [a],
  );
  process.stdout.write(summarise(files, top));
}
