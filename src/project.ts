/**
 * Parse-only loading: the TypeScript parser bundled with ts-morph, one file at a time, no
 * Program and no type checker (they cost 5x a parse and the rules do not need them).
 */
import path from 'node:path';
import { ts } from 'ts-morph';

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

export function parseFile(file: string, text: string): ParsedFile {
  const sourceFile = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const syntaxErrors = diagnostics.map((d) => {
    const pos = sourceFile.getLineAndCharacterOfPosition(d.start ?? 0);
    return { line: pos.line + 1, column: pos.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
  });
  return { sourceFile, syntaxErrors };
}
