/**
 * The file-system chores of the CLI: folders for output files, directories, real paths, config
 * ignore globs rebased to the working directory. No output, no exit codes.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Creates a directory and its missing parents one level at a time. Node 20's recursive mkdirSync
 * loops forever on some paths (\`/proc/nope\`); each single mkdir here fails at once instead.
 */
export function ensureDirectory(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let info: fs.Stats | undefined;
    try {
      info = fs.statSync(at);
    } catch {
      info = undefined;
    }
    if (info) {
      if (!info.isDirectory()) {
        const error = new Error(`${at} is not a directory`) as NodeJS.ErrnoException;
        error.code = 'ENOTDIR';
        throw error;
      }
      break;
    }
    missing.push(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing.reverse()) fs.mkdirSync(d);
}

/**
 * Config `ignore` globs are relative to the directory of the config file; discovery takes them
 * relative to the working directory.
 */
export function rebaseConfigIgnores(
  patterns: string[],
  source: string | null,
  cwd: string,
): string[] {
  if (source === null) return patterns;
  const prefix = path.relative(cwd, path.dirname(source)).split(path.sep).join('/');
  if (prefix === '' || prefix.startsWith('..') || path.isAbsolute(prefix)) return patterns;
  return patterns.map((pattern) => {
    const dirOnly = pattern.endsWith('/');
    const body = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
    const anchored = body.includes('/');
    return `${prefix}/${anchored ? body.replace(/^\/+/, '') : `**/${body}`}${dirOnly ? '/' : ''}`;
  });
}

export function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

export function realpathOr(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return dir;
  }
}
