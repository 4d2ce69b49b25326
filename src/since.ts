/**
 * `--since <git-ref>`: keep only findings on lines changed since that ref. Changed lines come from
 * `git diff --unified=0 <ref>` of the working tree (committed, staged and unstaged changes), plus
 * untracked files, which are new in their entirety.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { dropFindings } from './baseline.js';
import { UsageError } from './errors.js';
import type { Finding, ScanResult } from './types.js';

/** Runs git with arguments in a directory and returns stdout; throws when git fails. */
export type RunGit = (args: string[], cwd: string) => string;

export const runGit: RunGit = (args, cwd) =>
  execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

/** Absolute file path -> changed line numbers (1-based, new side), or 'all' for untracked files. */
export type ChangedLines = Map<string, Set<number> | 'all'>;

export function changedLinesSince(ref: string, cwd: string, git: RunGit = runGit): ChangedLines {
  let top: string;
  try {
    top = git(['rev-parse', '--show-toplevel'], cwd).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UsageError(
        '--since needs git, and no git executable was found on PATH. Install git or drop --since',
      );
    }
    throw new UsageError(
      `--since needs a git repository, and ${cwd} is not inside one. ` +
        'Run from a git work tree or drop --since',
    );
  }
  if (ref.startsWith('-'))
    throw new UsageError(
      `--since "${ref}" is not a git ref. Pass a branch, tag or commit, e.g. --since origin/main`,
    );
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], cwd);
  } catch {
    throw new UsageError(
      `--since "${ref}" is not a known git ref. ` +
        'Pass a branch, tag or commit (fetch it first in a shallow CI clone)',
    );
  }
  // Pinned so that user config cannot change what is parsed: prefixes (diff.noprefix,
  // diff.mnemonicPrefix), external diff drivers and textconv filters (which renumber lines).
  const diff = git(
    [
      '-c',
      'core.quotePath=false',
      'diff',
      '--unified=0',
      '--no-color',
      '--no-ext-diff',
      '--no-textconv',
      '--no-renames',
      '--src-prefix=a/',
      '--dst-prefix=b/',
      ref,
      '--',
    ],
    top,
  );
  const changed = parseUnifiedDiff(diff, top);
  const untracked = git(
    ['-c', 'core.quotePath=false', 'ls-files', '--others', '--exclude-standard', '-z'],
    top,
  );
  for (const file of untracked.split('\0'))
    if (file !== '') changed.set(path.resolve(top, file), 'all');
  return changed;
}

/**
 * Changed lines per file from `git diff --unified=0` output. A pure deletion (`+c,0`) marks the
 * lines around the gap (c and c+1): deleting a `logger.error` call changes the verdict on the
 * code next to it.
 */
export function parseUnifiedDiff(diff: string, root: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: Set<number> | null = null;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = line.slice(4).replace(/\t$/, '');
      if (target === '/dev/null') {
        current = null;
        continue;
      }
      const unquoted = target.startsWith('"') ? (JSON.parse(target) as string) : target;
      const file = path.resolve(root, unquoted.replace(/^b\//, ''));
      current = new Set();
      changed.set(file, current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      if (count === 0) {
        if (start > 0) current.add(start);
        current.add(start + 1);
      }
      for (let l = start; l < start + count; l++) current.add(l);
    }
  }
  return changed;
}

/** Keeps the findings whose primary location touches a changed line. */
export function filterToChangedLines(
  result: ScanResult,
  changed: ChangedLines,
  cwd: string,
): ScanResult {
  const touches = (finding: Finding): boolean => {
    const lines = changed.get(path.resolve(cwd, finding.location.file));
    if (lines === undefined) return false;
    if (lines === 'all') return true;
    for (let l = finding.location.start.line; l <= finding.location.end.line; l++)
      if (lines.has(l)) return true;
    return false;
  };
  return dropFindings(result, (finding) => !touches(finding));
}
