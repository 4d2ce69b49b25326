import fs from 'node:fs';

/**
 * Reads a source file as the editor shows it: UTF-8 (a BOM kept, so GitHub's line hash matches).
 * Shared by the CLI and the scan workers so both see the same text.
 */
export function readSource(file: string): string {
  return fs.readFileSync(file, 'utf8');
}
