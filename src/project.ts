/**
 * Parse-only loading: the TypeScript parser bundled with ts-morph, one file at a time, no
 * Program and no type checker (they cost 5x a parse and the rules do not need them).
 */
import path from 'node:path';
import { ts } from './typescript.cjs';

export interface ParsedFile {
  sourceFile: ts.SourceFile;
  /** Syntax errors the parser recovered from: the file is analysed as far as it got. */
  syntaxErrors: Array<{ line: number; column: number; message: string }>;
}

function scriptKind(file: string): ts.ScriptKind {
  switch (path.extname(file).toLowerCase()) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      // .js may hold JSX (React server code): the JSX-aware parser reads plain JS too
      return ts.ScriptKind.JSX;
  }
}

/**
 * No rule reads JSDoc (types in comments, @tags): the parser leaves doc comments as trivia, the
 * same as any comment. Suppression directives are read from the raw text (src/suppressions.ts).
 */
const PARSE_OPTIONS: ts.CreateSourceFileOptions = {
  languageVersion: ts.ScriptTarget.Latest,
  jsDocParsingMode: ts.JSDocParsingMode.ParseNone,
};

export function parseFile(file: string, text: string): ParsedFile {
  // setParentNodes is false: the parser's own parent pass (fixupParentReferences) walks the tree
  // through a generic work queue and took a third of the parse; setParents does the same job.
  const sourceFile = ts.createSourceFile(file, text, PARSE_OPTIONS, false, scriptKind(file));
  setParents(sourceFile);
  const diagnostics =
    (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] })
      .parseDiagnostics ?? [];
  const syntaxErrors = diagnostics.map((d) => {
    const pos = sourceFile.getLineAndCharacterOfPosition(d.start ?? 0);
    return {
      line: pos.line + 1,
      column: pos.character + 1,
      message: ts.flattenDiagnosticMessageText(d.messageText, ' '),
    };
  });
  return { sourceFile, syntaxErrors };
}

const forEachChild = ts.forEachChild;

/**
 * Points every node's `parent` at its parent, as `setParentNodes: true` would (no JSDoc nodes
 * exist to link, see PARSE_OPTIONS). An explicit stack, not recursion: a 400,000-term expression
 * must not overflow it.
 */
export function setParents(root: ts.Node): void {
  const stack: ts.Node[] = [root];
  let parent: ts.Node = root;
  const link = (child: ts.Node) => {
    (child as { parent: ts.Node }).parent = parent;
    stack.push(child);
  };
  while (stack.length > 0) {
    parent = stack.pop()!;
    forEachChild(parent, link);
  }
}
