/**
 * The TypeScript compiler API: the copy bundled with ts-morph, the only part of ts-morph the scan
 * uses.
 *
 * CommonJS on purpose, and the compiler's own file rather than ts-morph's entry:
 * - an ES module importing ts-morph makes Node scan ts-morph's 1 MB bundle for export names
 *   (cjs-module-lexer) before running it;
 * - ts-morph's entry also loads its 3 MB library around the compiler, and that library's own
 *   dependencies.
 * Together 0.25 s of every start-up and of every worker thread's. `@ts-morph/common` (the package
 * ts-morph keeps its compiler in, a dependency of ours at ts-morph's version) has no export map;
 * its compiler file is typed in compiler-module.d.ts.
 */
import ts = require('@ts-morph/common/dist/typescript.js');

export { ts };
