/** `@ts-morph/common`'s bundled compiler, loaded by typescript.cts: ts-morph's `ts` namespace. */
declare module '@ts-morph/common/dist/typescript.js' {
  import { ts } from 'ts-morph';
  export = ts;
}
