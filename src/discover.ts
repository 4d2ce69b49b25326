/**
 * File discovery: paths + ignores -> the sorted list of files to analyse, and what was skipped.
 *
 * One synchronous descent of each directory given: a directory's `.gitignore` is read as the walk
 * enters it, an entry is tested only against the rules of the `.gitignore` files on its own path
 * (git's order: the deepest file with a matching rule decides, its last matching rule wins), and
 * an ignored directory is never read. The cost grows with the entries walked, not with entries ×
 * ignore files: on payloadcms/payload (8,900 files, 89 nested .gitignore files) the globby-based
 * discovery this replaces took 9 s, this walk takes about as long as a bare readdir walk (see
 * bench/README.md). test/gitignore.test.ts holds the rule semantics against git's own answer.
 */
import * as fs from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { globby, isDynamicPattern } from 'globby';
import { UsageError, errorCode } from './errors.js';
import type { Notice } from './types.js';

export const SOURCE_EXTENSIONS = [
  '.js',
  '.jsx',
  '.ts',
  '.tsx',
  '.mjs',
  '.cjs',
  '.mts',
  '.cts',
] as const;

/** Directories and files that are never analysed (build output, dependencies, declarations). */
export const ALWAYS_IGNORED = [
  '**/node_modules/**',
  '**/dist/**',
  '**/build/**',
  '**/coverage/**',
  '**/.next/**',
  '**/*.d.ts',
  '**/*.d.mts',
  '**/*.d.cts',
];

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** How much of each file is read to recognise a minified bundle or a binary file. */
const SAMPLE_BYTES = 4096;
/** Hand-written code averages 30–40 characters a line; minified bundles run to thousands. */
const MINIFIED_AVERAGE_LINE = 200;
const MINIFIED_MIN_SAMPLE = 1024;
/**
 * 40+ characters of nothing but SVG path commands, numbers and separators (`d="M12 2C6.48 2 2
 * 6.48…"`): not counted towards the line length. Minified code never runs that long without a
 * bracket, an operator or an identifier.
 */
const SVG_PATH_DATA = /[MmLlHhVvCcSsQqTtAaZz\d.,\-\s]{40,}/g;

export interface DiscoverOptions {
  cwd: string;
  /** Files or directories, relative to cwd or absolute. Empty means `.`. */
  paths: string[];
  /**
   * Extra ignore globs in .gitignore syntax, relative to cwd (`legacy/`, `*.gen.ts`, `src/old/**`).
   */
  ignore: string[];
  includeTests: boolean;
  maxFileBytes?: number;
  /**
   * Called while directories are read, with the number of source-named files seen so far (before
   * ignore rules and file checks): a hint that the scan will be large, before the list is final.
   */
  onSourcesSeen?: (count: number) => void;
}

export interface DiscoverResult {
  /** Absolute paths, sorted, de-duplicated. */
  files: string[];
  /** Their total size: the scan's work grows with it more than with the file count. */
  bytes: number;
  /** Files not analysed and why (kind 'skipped', file relative to cwd). */
  skipped: Notice[];
  testFilesSkipped: number;
}

export async function discover(opts: DiscoverOptions): Promise<DiscoverResult> {
  const cwd = path.resolve(opts.cwd);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const inputs = opts.paths.length > 0 ? opts.paths : ['.'];
  const files = new Set<string>();
  const skipped = new Map<string, Notice>();
  let testFilesSkipped = 0;
  const skip = (absolute: string, reason: string, level: Notice['level'] = 'note'): void => {
    const file = toRelative(cwd, absolute);
    if (!skipped.has(file))
      skipped.set(file, { kind: 'skipped', level, file, message: `Skipped ${file}: ${reason}.` });
  };

  const roots: Array<{ input: string; absolute: string; isFile: boolean }> = [];
  const globbed: string[] = [];
  for (const input of inputs) {
    const absolute = path.resolve(cwd, input);
    let info: fs.Stats;
    try {
      info = await stat(absolute); // an explicitly named symlink is followed: the user asked for it
    } catch {
      // A glob, as ESLint takes them (`jwt-audit scan "src/**/*.ts"`), quoted so the shell left it
      if (isDynamicPattern(input)) {
        const matched = await expandGlob(input, cwd, opts.ignore);
        if (matched.length === 0)
          throw new UsageError(
            `pattern "${input}" matches no JavaScript or TypeScript file. ` +
              `Check the pattern, relative to ${cwd}`,
          );
        globbed.push(...matched);
        continue;
      }
      throw new UsageError(
        `path "${input}" does not exist. Pass an existing file or directory, relative to ${cwd}`,
      );
    }
    if (!info.isFile() && !info.isDirectory()) {
      throw new UsageError(
        `path "${input}" is neither a file nor a directory. Pass a source file or a directory`,
      );
    }
    roots.push({ input, absolute, isFile: info.isFile() });
  }

  const candidates: string[] = [];
  for (const root of roots) {
    if (root.isFile) {
      // Named explicitly: scanned even if it is a test file or ignored, as long as it is source.
      if (hasSourceExtension(root.absolute)) candidates.push(root.absolute);
      else
        skip(
          root.absolute,
          `not a JavaScript or TypeScript file (expected ${SOURCE_EXTENSIONS.join(' ')})`,
        );
      continue;
    }
    // the hint leaves out test files when they are not scanned (ignore rules it cannot tell)
    const seen: SeenHint | undefined = opts.onSourcesSeen && {
      report: opts.onSourcesSeen,
      counts: (relative) => opts.includeTests || !isTestFile(relative),
    };
    const walked = walkDirectory(root.absolute, cwd, opts.ignore, seen);
    for (const dir of walked.unreadable)
      skip(dir.path, `directory could not be read (${dir.code})`, 'warning');
    for (const link of walked.symlinks) skip(link, 'symbolic link, not followed');
    for (const file of walked.files) {
      if (!opts.includeTests && isTestFile(path.relative(root.absolute, file))) {
        testFilesSkipped++;
        continue;
      }
      candidates.push(file);
    }
  }

  for (const file of globbed) {
    if (!opts.includeTests && isTestFile(path.relative(cwd, file))) testFilesSkipped++;
    else candidates.push(file);
  }

  const sampleBuffer = Buffer.alloc(SAMPLE_BYTES);
  let bytes = 0;
  for (const file of new Set(candidates)) {
    const inspected = inspectFile(file, maxFileBytes, sampleBuffer);
    if (typeof inspected === 'number') {
      files.add(file);
      bytes += inspected;
    } else skip(file, inspected);
  }

  return {
    files: [...files].sort(compareStrings),
    bytes,
    skipped: [...skipped.values()].sort((a, b) => compareStrings(a.file ?? '', b.file ?? '')),
    testFilesSkipped,
  };
}

export function hasSourceExtension(file: string): boolean {
  const lower = file.toLowerCase();
  return SOURCE_EXTENSIONS.some((ext) => lower.endsWith(ext)) && !/\.d\.[cm]?ts$/.test(lower);
}

/**
 * `*.test.*`, `*.spec.*`, or anything under `__tests__/` or `__mocks__/` (path relative to the
 * scanned root).
 */
export function isTestFile(relativePath: string): boolean {
  const segments = relativePath.split(/[\\/]/);
  const base = segments[segments.length - 1] ?? '';
  if (/\.(test|spec)\.[^.]+$/i.test(base)) return true;
  return segments.slice(0, -1).some((s) => s === '__tests__' || s === '__mocks__');
}

/**
 * Why a file must not be analysed (minified, too large, binary, unreadable), or its size.
 * Reads at most SAMPLE_BYTES of it. Synchronous on purpose: on 10,500 files open/fstat/read/close
 * took 73 ms synchronously and 540 ms through the promise API (libuv thread pool round trips).
 */
function inspectFile(file: string, maxFileBytes: number, buffer: Buffer): string | number {
  if (/\.min\.[cm]?js$/i.test(file)) return 'minified bundle (*.min.js)';
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const { size } = fs.fstatSync(fd);
    if (size > maxFileBytes)
      return `larger than the ${formatBytes(maxFileBytes)} limit (${formatBytes(size)})`;
    const bytesRead = fs.readSync(fd, buffer, 0, Math.min(buffer.length, size), 0);
    const sample = buffer.subarray(0, bytesRead);
    if (sample.includes(0)) return 'binary file';
    if (bytesRead >= MINIFIED_MIN_SAMPLE) {
      let lines = 1;
      for (let at = sample.indexOf(0x0a); at >= 0; at = sample.indexOf(0x0a, at + 1)) lines++;
      // Long runs of SVG path data (generated icon components) are data, not minified code.
      // Removing them only shortens the sample: short lines as read need no second look.
      if (Math.round(bytesRead / lines) > MINIFIED_AVERAGE_LINE) {
        const code = sample.toString('latin1').replace(SVG_PATH_DATA, '').length;
        const average = Math.round(code / lines);
        if (average > MINIFIED_AVERAGE_LINE)
          return `looks minified (average line length ${average} characters)`;
      }
    }
    return size;
  } catch (error) {
    return `could not be read (${errorCode(error)})`;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

interface Walked {
  files: string[];
  symlinks: string[];
  unreadable: Array<{ path: string; code: string }>;
}

/** DiscoverOptions.onSourcesSeen, and which directory entries it counts. */
interface SeenHint {
  report: (count: number) => void;
  /** `relative`: the entry's path below the walked directory, `/`-separated. */
  counts: (relative: string) => boolean;
}

/** Directory names never descended into (ALWAYS_IGNORED's directories). */
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build', 'coverage', '.next']);
/** ALWAYS_IGNORED's declaration files, matched on the name as the globs did (case-sensitive). */
const DECLARATION_NAME = /\.d\.[cm]?ts$/;

/**
 * All source files under `root`, honouring .gitignore files (in it, below it, and above it up to
 * the git root) and the user's ignore patterns. Dot-files and dot-directories are not walked, nor
 * the ALWAYS_IGNORED directories.
 */
function walkDirectory(root: string, cwd: string, userIgnore: string[], seen?: SeenHint): Walked {
  const walked: Walked = { files: [], symlinks: [], unreadable: [] };
  const user = userIgnoreRules(userIgnore, cwd, root);
  let sourcesSeen = 0;
  const visit = (dir: string, rel: string, inherited: readonly IgnoreFile[]): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      walked.unreadable.push({ path: dir, code: errorCode(error) });
      return;
    }
    let rules = inherited;
    const own = entries.some((e) => e.name === '.gitignore' && e.isFile())
      ? readIgnoreFile(path.join(dir, '.gitignore'), rel === '' ? 0 : rel.length + 1, '')
      : null;
    if (own) rules = [...inherited, own];
    const subdirectories: string[] = [];
    for (const entry of entries) {
      const name = entry.name;
      if (name.charCodeAt(0) === 0x2e /* . */) continue;
      const relative = rel === '' ? name : `${rel}/${name}`;
      const isFile = entry.isFile();
      if (seen && isFile && hasSourceExtension(name) && seen.counts(relative)) sourcesSeen++;
      if (SKIPPED_DIRECTORIES.has(name) || DECLARATION_NAME.test(name)) continue;
      const isDirectory = entry.isDirectory();
      if (isIgnored(rules, relative, name, isDirectory)) continue;
      if (user && isIgnored([user], relative, name, isDirectory)) continue;
      if (entry.isSymbolicLink()) walked.symlinks.push(path.join(dir, name));
      else if (isDirectory) subdirectories.push(name);
      else if (isFile && hasSourceExtension(name)) walked.files.push(path.join(dir, name));
    }
    seen?.report(sourcesSeen);
    for (const name of subdirectories)
      visit(path.join(dir, name), rel === '' ? name : `${rel}/${name}`, rules);
  };
  visit(root, '', ancestorIgnoreFiles(root));
  return walked;
}

/**
 * One .gitignore's rules, and how to turn a path relative to the walked root into a path relative
 * to the .gitignore's directory: drop `strip` leading characters, then put `lead` in front.
 */
interface IgnoreFile {
  rules: IgnoreRule[];
  strip: number;
  lead: string;
  /**
   * All rules in one expression, by target (name or path) and entry kind: most entries match no
   * rule of a file, and one test tells so (payload's root .gitignore has 300 rules).
   */
  any: { name: RegExp; path: RegExp; directoryName: RegExp; directoryPath: RegExp };
}

export interface IgnoreRule {
  negated: boolean;
  directoryOnly: boolean;
  /** Has a slash before its end: matched against the whole relative path, else the name. */
  anchored: boolean;
  regex: RegExp;
}

/**
 * Whether git would ignore the entry at `relative` (its ancestors being known not to be ignored):
 * the deepest file with a matching rule decides, and in it the last matching rule.
 */
function isIgnored(
  files: readonly IgnoreFile[],
  relative: string,
  name: string,
  isDirectory: boolean,
): boolean {
  for (let f = files.length - 1; f >= 0; f--) {
    const file = files[f];
    let local: string | undefined;
    const any = file.any;
    if (isDirectory ? !any.directoryName.test(name) : !any.name.test(name)) {
      local = file.lead + relative.slice(file.strip);
      if (isDirectory ? !any.directoryPath.test(local) : !any.path.test(local)) continue;
    }
    for (let r = file.rules.length - 1; r >= 0; r--) {
      const rule = file.rules[r];
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.anchored) local ??= file.lead + relative.slice(file.strip);
      if (rule.regex.test(rule.anchored ? (local as string) : name)) return !rule.negated;
    }
  }
  return false;
}

/**
 * .gitignore files of the directories above `root`, up to its git work tree root, outermost
 * first.
 */
function ancestorIgnoreFiles(root: string): IgnoreFile[] {
  const gitRoot = findGitRoot(root);
  const files: IgnoreFile[] = [];
  if (gitRoot === null) return files;
  for (let ancestor = root; ancestor !== gitRoot; ) {
    const parent = path.dirname(ancestor);
    if (parent === ancestor) break;
    ancestor = parent;
    const lead = `${path.relative(ancestor, root).split(path.sep).join('/')}/`;
    const file = readIgnoreFile(path.join(ancestor, '.gitignore'), 0, lead);
    if (file) files.unshift(file);
  }
  return files;
}

function readIgnoreFile(file: string, strip: number, lead: string): IgnoreFile | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const rules = parseIgnoreRules(text.split('\n'));
  return rules.length > 0 ? ignoreFile(rules, strip, lead) : null;
}

function ignoreFile(rules: IgnoreRule[], strip: number, lead: string): IgnoreFile {
  const union = (anchored: boolean, directory: boolean) => {
    const sources = rules
      .filter((r) => r.anchored === anchored && (directory || !r.directoryOnly))
      .map((r) => r.regex.source);
    return sources.length === 0 ? /(?!)/ : new RegExp(sources.join('|'));
  };
  return {
    rules,
    strip,
    lead,
    any: {
      name: union(false, false),
      path: union(true, false),
      directoryName: union(false, true),
      directoryPath: union(true, true),
    },
  };
}

/**
 * The user's ignore patterns (.gitignore syntax, relative to cwd) as one more ignore file, applied
 * on its own: a `!pattern` there cannot re-include what a .gitignore excludes. For a directory
 * outside cwd only the patterns that match at any depth are kept.
 */
function userIgnoreRules(patterns: string[], cwd: string, root: string): IgnoreFile | null {
  if (patterns.length === 0) return null;
  const fromCwd = path.relative(cwd, root).split(path.sep).join('/');
  const inside = !fromCwd.startsWith('..') && !path.isAbsolute(fromCwd);
  const anyDepth = (p: string) => !p.replace(/\/+$/, '').includes('/') || /^!?\/?\*\*\//.test(p);
  const rules = parseIgnoreRules(inside ? patterns : patterns.filter(anyDepth));
  if (rules.length === 0) return null;
  return ignoreFile(rules, 0, inside && fromCwd !== '' ? `${fromCwd}/` : '');
}

/**
 * .gitignore lines as rules (gitignore(5)): blank lines and `#` comments skipped, trailing spaces
 * dropped unless escaped, `!` negates, a trailing `/` matches directories only, a slash at the
 * start or in the middle anchors the pattern to the file's directory; `*`, `?`, `[...]` do not
 * match `/`; `**` as a whole segment matches any number of directories.
 */
export function parseIgnoreRules(lines: readonly string[]): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of lines) {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    while (line.endsWith(' ') && !line.endsWith('\\ ')) line = line.slice(0, -1);
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    if (negated) line = line.slice(1);
    const directoryOnly = line.endsWith('/');
    line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    try {
      rules.push({ negated, directoryOnly, anchored, regex: new RegExp(`^${globSource(line)}$`) });
    } catch {
      // an invalid character class ([z-a]): git matches nothing with it either
    }
  }
  return rules;
}

/** A gitignore glob as a regular expression source (without anchors). */
function globSource(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      const wholeSegment =
        glob[i + 1] === '*' &&
        (i === 0 || glob[i - 1] === '/') &&
        (i + 2 === glob.length || glob[i + 2] === '/');
      if (wholeSegment && i + 2 === glob.length) {
        out += '.*'; // trailing `/**`: everything inside
        i++;
      } else if (wholeSegment) {
        out += '(?:.*/)?'; // `**/`: zero or more directories
        i += 2;
      } else {
        while (glob[i + 1] === '*') i++;
        out += '[^/]*';
      }
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = classEnd(glob, i);
      if (end === -1) out += '\\[';
      else {
        out += classSource(glob.slice(i + 1, end));
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) out += escapeRegex(glob[++i]);
    else out += escapeRegex(c);
  }
  return out;
}

/** Index of the `]` closing the class opened at `start`, or -1. */
function classEnd(glob: string, start: number): number {
  let j = start + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++;
  for (; j < glob.length; j++) {
    if (glob[j] === '\\') j++;
    else if (glob[j] === ']') return j;
  }
  return -1;
}

function classSource(body: string): string {
  let out = '[';
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    out += '^';
    i = 1;
  }
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '\\' && i + 1 < body.length) out += `\\${body[++i]}`;
    else if (c === '[' || c === ']' || c === '^' || c === '\\') out += `\\${c}`;
    else out += c;
  }
  return `${out}]`;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Nearest ancestor of `start` (or itself) holding `.git` (a directory, or a file in worktrees). */
export function findGitRoot(start: string): string | null {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (dir === path.dirname(dir)) return null;
  }
}

function toRelative(cwd: string, absolute: string): string {
  return path.relative(cwd, absolute).split(path.sep).join('/') || '.';
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, '')} KB`;
  return `${bytes} bytes`;
}

/**
 * The source files a glob path argument matches (globby: `.gitignore` honoured, the
 * ALWAYS_IGNORED trees and the user's --ignore globs left out), absolute.
 */
async function expandGlob(pattern: string, cwd: string, ignore: string[]): Promise<string[]> {
  const matched = await globby(pattern, {
    cwd,
    absolute: true,
    onlyFiles: true,
    gitignore: true,
    ignore: [...ALWAYS_IGNORED, ...ignore],
  });
  return matched.map((file) => path.resolve(file)).filter(hasSourceExtension);
}
