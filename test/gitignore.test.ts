/**
 * .gitignore semantics of discover(), on a fixture tree written by the test: the expected file
 * lists are spelled out, and where git is installed they are also checked against git's own
 * answer (`git ls-files --others --exclude-standard` in a fresh repository).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discover, hasSourceExtension, isTestFile, parseIgnoreRules } from '../src/discover.js';

let root: string;

function write(rel: string, content = 'export const x = 1;\n'): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

async function found(paths: string[] = ['.'], ignore: string[] = []): Promise<string[]> {
  const result = await discover({ cwd: root, paths, ignore, includeTests: false });
  return result.files.map((f) => path.relative(root, f).split(path.sep).join('/'));
}

const gitAvailable = spawnSync('git', ['--version']).status === 0;

/**
 * What git leaves untracked and not ignored under `paths`, cut down to what discover() looks at:
 * source files, outside dot-directories and the always-skipped directories, not tests.
 */
function gitListed(paths: string[]): string[] {
  const env = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' };
  const run = (args: string[]) => {
    const r = spawnSync('git', args, { cwd: root, env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  if (!fs.existsSync(path.join(root, '.git'))) run(['init', '-q']);
  const out = run(['ls-files', '--others', '--exclude-standard', '-z', '--', ...paths]);
  const skippedSegment = /^(\..*|node_modules|dist|build|coverage)$/;
  return out
    .split('\0')
    .filter((f) => f !== '' && hasSourceExtension(f))
    .filter((f) => !f.split('/').some((s) => skippedSegment.test(s)))
    .filter((f) => !isTestFile(f))
    .sort();
}

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-gitignore-')));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** One tree with every kind of rule; `expected` is what must be found from the root. */
function writeTree(): void {
  write(
    '.gitignore',
    [
      '# comment',
      '/anchored.ts',
      'gen/',
      'out',
      'docs/**/draft.ts',
      'vendor/*',
      '!vendor/keep.ts',
      'ignored-dir/',
      '!ignored-dir/back.ts',
      'lib/**/*.gen.ts',
      '!lib/keep.gen.ts',
      'tmp*/',
      '\\#hash.ts',
      'notdir.ts/',
      '[ab]cls.ts',
      '**/cache/',
      'trailing.ts   ',
      '',
    ].join('\n'),
  );
  for (const f of [
    'anchored.ts',
    'sub/anchored.ts',
    'gen/a.ts',
    'sub/gen/b.ts',
    'gen.ts',
    'out.ts',
    'out/x.ts',
    'sub/out/y.ts',
    'docs/draft.ts',
    'docs/a/b/draft.ts',
    'docs/a/other.ts',
    'sub/docs/draft.ts',
    'vendor/x.ts',
    'vendor/keep.ts',
    'ignored-dir/back.ts',
    'ignored-dir/back2.ts',
    'ignored-dir/x.ts',
    'lib/a/b/x.gen.ts',
    'lib/x.gen.ts',
    'lib/keep.gen.ts',
    'lib/y.ts',
    'tmp1/a.ts',
    'tmpfile.ts',
    '#hash.ts',
    'notdir.ts',
    'acls.ts',
    'bcls.ts',
    'ccls.ts',
    'cache/y.ts',
    'sub/cache/x.ts',
    'trailing.ts',
    'x.local.ts',
    'pkg/a.local.ts',
    'pkg/deep/b.local.ts',
    'pkg/important.local.ts',
    'pkg/only-here.ts',
    'pkg/deep/only-here.ts',
    'pkg/gen/c.ts',
    'pkg/deep/gen/d.ts',
    'pkg/back/c.local.ts',
    'pkg/z.ts',
  ])
    write(f);
  // an ignored directory's own .gitignore is never read: back2.ts cannot come back
  write('ignored-dir/.gitignore', '!back2.ts\n');
  // a nested file: its rules apply below it only, and win over the root's
  write('pkg/.gitignore', '*.local.ts\n!important.local.ts\n/only-here.ts\n!gen/\n');
  write('pkg/back/.gitignore', '!*.local.ts\n');
}

const expected = [
  'ccls.ts',
  'docs/a/other.ts',
  'gen.ts',
  'lib/keep.gen.ts',
  'lib/y.ts',
  'notdir.ts',
  'out.ts',
  'pkg/back/c.local.ts',
  'pkg/deep/gen/d.ts',
  'pkg/deep/only-here.ts',
  'pkg/gen/c.ts',
  'pkg/important.local.ts',
  'pkg/z.ts',
  'sub/anchored.ts',
  'sub/docs/draft.ts',
  'tmpfile.ts',
  'vendor/keep.ts',
  'x.local.ts',
];

describe('discover() and .gitignore', () => {
  it(
    'follows negations, nested files, anchors, directory-only rules, ** and ' + 'ignored parents',
    async () => {
      writeTree();
      expect(await found()).toEqual(expected);
    },
  );

  it.runIf(gitAvailable)('finds what git leaves unignored, from the root', async () => {
    writeTree();
    expect(gitListed(['.'])).toEqual(expected);
    expect(await found()).toEqual(gitListed(['.']));
  });

  it.runIf(gitAvailable)(
    'applies the parent .gitignore files when a subdirectory is scanned, as git does',
    async () => {
      writeTree();
      write('pkg/cache/z.ts'); // the root's **/cache/ reaches into pkg
      write('pkg/anchored.ts'); // the root's /anchored.ts does not
      const inPkg = expected
        .filter((f) => f.startsWith('pkg/'))
        .concat('pkg/anchored.ts')
        .sort();
      expect(gitListed(['pkg'])).toEqual(inPkg);
      expect(await found(['pkg'])).toEqual(inPkg);
    },
  );

  it('reads no parent .gitignore outside a git work tree', async () => {
    write('.gitignore', 'pkg/a.ts\n*.gen.ts\n');
    write('pkg/a.ts');
    write('pkg/b.gen.ts');
    expect(await found(['pkg'])).toEqual(['pkg/a.ts', 'pkg/b.gen.ts']);
    expect(await found(['.'])).toEqual([]);
  });

  it(
    'keeps an --ignore pattern apart: ' + 'its negation does not re-include a gitignored file',
    async () => {
      write('.gitignore', 'a.ts\n');
      write('a.ts');
      write('b.ts');
      write('src/c.ts');
      expect(await found(['.'], ['!a.ts'])).toEqual(['b.ts', 'src/c.ts']);
      expect(await found(['.'], ['src/'])).toEqual(['b.ts']);
    },
  );

  it(
    'anchors --ignore patterns at cwd, ' +
      'and outside cwd keeps only those that match at any depth',
    async () => {
      for (const f of ['top.ts', 'src/top.ts', 'src/a.js', 'src/k/c.js', 'src/legacy/d.ts'])
        write(f);
      for (const f of ['x/src/legacy/e.ts', 'lib/deep.ts', 'lib/q/r/deep.ts', 'm.gen.ts']) write(f);
      expect(
        await found(['.'], ['*.gen.ts', 'src/legacy/', 'src/*.js', 'lib/**/deep.ts', '/top.ts']),
      ).toEqual(['src/k/c.js', 'src/top.ts', 'x/src/legacy/e.ts']);
      // from src/: `lib/deep.ts` is anchored at src/ and cannot reach ../lib; `**/r` can
      const fromSrc = await discover({
        cwd: path.join(root, 'src'),
        paths: ['.', '../lib'],
        ignore: ['k/', 'lib/deep.ts', '**/r'],
        includeTests: false,
      });
      expect(fromSrc.files.map((f) => path.relative(root, f))).toEqual([
        'lib/deep.ts',
        'src/a.js',
        'src/legacy/d.ts',
        'src/top.ts',
      ]);
    },
  );
});

describe('parseIgnoreRules', () => {
  const matches = (pattern: string, target: string) =>
    parseIgnoreRules([pattern]).some((r) => r.regex.test(target));

  it('compiles globs as git matches them', () => {
    expect(matches('a/**/b', 'a/b')).toBe(true);
    expect(matches('a/**/b', 'a/x/y/b')).toBe(true);
    expect(matches('a/*/b', 'a/x/y/b')).toBe(false);
    expect(matches('**/x', 'x')).toBe(true);
    expect(matches('a/**', 'a/b/c')).toBe(true);
    expect(matches('f?o.ts', 'foo.ts')).toBe(true);
    expect(matches('f?o.ts', 'f/o.ts')).toBe(false);
    expect(matches('[!a]x', 'bx')).toBe(true);
    expect(matches('[!a]x', 'ax')).toBe(false);
    expect(matches('\\!bang', '!bang')).toBe(true);
    expect(matches('a.ts', 'aXts')).toBe(false);
  });

  it('reads negation, directory-only and anchoring from the line', () => {
    const [r] = parseIgnoreRules(['!/src/gen/']);
    expect(r).toMatchObject({ negated: true, directoryOnly: true, anchored: true });
    expect(r.regex.test('src/gen')).toBe(true);
    const [u] = parseIgnoreRules(['gen/']);
    expect(u).toMatchObject({ negated: false, directoryOnly: true, anchored: false });
    expect(parseIgnoreRules(['# c', '', '   ', '[z-a]'])).toEqual([]);
  });
});
