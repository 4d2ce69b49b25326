/**
 * The TypeScript compiler API bundled with ts-morph (the only part of ts-morph the scan uses).
 *
 * A CommonJS module on purpose: an ES module importing ts-morph directly makes Node scan
 * ts-morph's 1 MB bundle for its export names (cjs-module-lexer) before running it, 0.15 s of
 * every start-up and of every worker thread's. Loaded with `require` from here, only these lines
 * are scanned.
 */
import { ts } from 'ts-morph';

export { ts };
