import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discover, isTestFile } from '../src/discover.js';
import { UsageError } from '../src/errors.js';

let root: string;

function write(rel: string, content = 'export const x = 1;\n'): void {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** Discovered files relative to the temp root, forward slashes. */
async function found(opts: Partial<Parameters<typeof discover>[0]> = {}): Promise<string[]> {
  const result = await discover({
    cwd: root,
    paths: ['.'],
    ignore: [],
    includeTests: false,
    ...opts,
  });
  return result.files.map((f) => path.relative(root, f).split(path.sep).join('/'));
}

beforeEach(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-discover-')));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('discover', () => {
  it(
    'tells how many source files it has seen while it reads directories, before the list is ' +
      'final',
    async () => {
      for (let i = 0; i < 30; i++) write(`src/m${i % 3}/f${i}.ts`);
      write('src/notes.md', '# no');
      write('src/m0/f0.test.ts');
      const seen: number[] = [];
      const result = await discover({
        cwd: root,
        paths: ['.'],
        ignore: [],
        includeTests: false,
        onSourcesSeen: (n) => seen.push(n),
      });
      expect(result.files).toHaveLength(30);
      expect(result.bytes).toBe(30 * 'export const x = 1;\n'.length);
      expect(seen.length).toBeGreaterThan(1);
      expect(seen.every((n, i) => i === 0 || n >= seen[i - 1])).toBe(true);
      // each directory counted once; test files only when they are scanned; no markdown
      expect(seen[seen.length - 1]).toBe(30);
      const withTests: number[] = [];
      await discover({
        cwd: root,
        paths: ['.'],
        ignore: [],
        includeTests: true,
        onSourcesSeen: (n) => withTests.push(n),
      });
      expect(withTests[withTests.length - 1]).toBe(31);
    },
  );

  it('finds every supported extension, sorted and absolute, and nothing else', async () => {
    for (const ext of ['js', 'jsx', 'ts', 'tsx', 'mjs', 'cjs', 'mts', 'cts']) write(`src/a.${ext}`);
    write('src/readme.md', '# no');
    write('src/data.json', '{}');
    write('src/types.d.ts', 'export type A = 1;');
    const result = await discover({ cwd: root, paths: [], ignore: [], includeTests: false });
    expect(result.files.every((f) => path.isAbsolute(f))).toBe(true);
    expect(result.files.map((f) => path.basename(f))).toEqual([
      'a.cjs',
      'a.cts',
      'a.js',
      'a.jsx',
      'a.mjs',
      'a.mts',
      'a.ts',
      'a.tsx',
    ]);
  });

  it('always skips node_modules, dist, build, coverage and .next', async () => {
    write('src/app.ts');
    for (const dir of [
      'node_modules/pkg',
      'dist',
      'build',
      'coverage',
      '.next/server',
      'packages/a/node_modules/x',
      'packages/a/dist',
    ]) {
      write(`${dir}/index.js`);
    }
    expect(await found()).toEqual(['src/app.ts']);
  });

  it('honours .gitignore at the root, nested, and in a parent up to the git root', async () => {
    fs.mkdirSync(path.join(root, '.git'));
    write('.gitignore', 'generated/\n*.gen.ts\n/rootonly.ts\n# comment\n');
    write('rootonly.ts');
    write('app/rootonly.ts');
    write('app/generated/a.ts');
    write('app/x.gen.ts');
    write('app/keep.ts');
    write('app/sub/.gitignore', 'local.ts\n');
    write('app/sub/local.ts');
    write('app/sub/deeper/local.ts');
    write('app/sub/other.ts');
    write('app/local.ts');
    expect(await found()).toEqual([
      'app/keep.ts',
      'app/local.ts',
      'app/rootonly.ts',
      'app/sub/other.ts',
    ]);
    // Scanning a subdirectory still applies the root .gitignore (a parent, up to the git root).
    expect(await found({ paths: ['app'] })).toEqual([
      'app/keep.ts',
      'app/local.ts',
      'app/rootonly.ts',
      'app/sub/other.ts',
    ]);
  });

  it(
    'an anchored pattern of a parent .gitignore ' + 'applies under the scanned subdirectory',
    async () => {
      fs.mkdirSync(path.join(root, '.git'));
      write('.gitignore', 'app/legacy/\n');
      write('app/legacy/old.ts');
      write('app/new.ts');
      expect(await found({ paths: ['app'] })).toEqual(['app/new.ts']);
    },
  );

  it('re-includes a path named by a negation', async () => {
    write('.gitignore', 'gen/*\n!gen/keep.ts\n');
    write('gen/drop.ts');
    write('gen/keep.ts');
    write('src/a.ts');
    expect(await found()).toEqual(['gen/keep.ts', 'src/a.ts']);
  });

  it('applies --ignore globs in .gitignore syntax relative to cwd', async () => {
    write('src/legacy/a.ts');
    write('src/b.gen.ts');
    write('src/c.ts');
    write('lib/legacy/d.ts');
    expect(await found({ ignore: ['*.gen.ts', 'src/legacy/'] })).toEqual([
      'lib/legacy/d.ts',
      'src/c.ts',
    ]);
    expect(await found({ paths: ['src'], ignore: ['src/legacy/**'] })).toEqual([
      'src/b.gen.ts',
      'src/c.ts',
    ]);
  });

  it('skips and counts test files unless includeTests', async () => {
    write('src/a.ts');
    write('src/a.test.ts');
    write('src/a.spec.js');
    write('src/__tests__/b.ts');
    write('src/__mocks__/c.js');
    write('src/contest.ts'); // not a test file: "test" is only part of a word
    const without = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
    expect(without.files.map((f) => path.basename(f))).toEqual(['a.ts', 'contest.ts']);
    expect(without.testFilesSkipped).toBe(4);
    const withTests = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: true });
    expect(withTests.files).toHaveLength(6);
    expect(withTests.testFilesSkipped).toBe(0);
  });

  it(
    'scans a test file named explicitly, and refuses nothing given explicitly with a ' +
      'supported extension',
    async () => {
      write('src/a.test.ts');
      const result = await discover({
        cwd: root,
        paths: ['src/a.test.ts'],
        ignore: [],
        includeTests: false,
      });
      expect(result.files).toEqual([path.join(root, 'src/a.test.ts')]);
      expect(result.testFilesSkipped).toBe(0);
    },
  );

  it('reports an explicit file with an unsupported extension as skipped', async () => {
    write('notes.txt', 'hello');
    const result = await discover({
      cwd: root,
      paths: ['notes.txt'],
      ignore: [],
      includeTests: false,
    });
    expect(result.files).toEqual([]);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ kind: 'skipped', file: 'notes.txt' });
  });

  it('reports minified bundles by name and by content, and keeps ordinary long files', async () => {
    write('public/app.min.js', 'var a=1;');
    write('public/bundle.js', `${'var a=function(){return 1};'.repeat(400)}\n`);
    write('src/normal.js', 'const a = 1;\n'.repeat(2000));
    const result = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
    expect(result.files.map((f) => path.basename(f))).toEqual(['normal.js']);
    expect(result.skipped.map((n) => n.file)).toEqual(['public/app.min.js', 'public/bundle.js']);
    expect(result.skipped[0].message).toMatch(/minified/);
    expect(result.skipped[1].message).toMatch(/minified/);
  });

  it('reports files over the size limit (default 1 MB, configurable)', async () => {
    write('big.ts', 'const a = 1;\n'.repeat(90_000)); // ~1.2 MB
    write('small.ts', 'const a = 1;\n'.repeat(100)); // 1.3 KB
    const byDefault = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
    expect(byDefault.files.map((f) => path.basename(f))).toEqual(['small.ts']);
    expect(byDefault.skipped).toEqual([
      expect.objectContaining({
        kind: 'skipped',
        file: 'big.ts',
        message: expect.stringMatching(/1 MB limit/),
      }),
    ]);
    const tight = await discover({
      cwd: root,
      paths: ['.'],
      ignore: [],
      includeTests: false,
      maxFileBytes: 1000,
    });
    expect(tight.files).toEqual([]);
    expect(tight.skipped.map((n) => n.file)).toEqual(['big.ts', 'small.ts']);
  });

  it('does not follow symbolic links (a loop terminates) and reports them', async () => {
    write('src/a.ts');
    fs.symlinkSync('..', path.join(root, 'src/loop'));
    fs.symlinkSync(path.join(root, 'src/a.ts'), path.join(root, 'src/alias.ts'));
    fs.symlinkSync(os.tmpdir(), path.join(root, 'outside'));
    const result = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
    expect(result.files).toEqual([path.join(root, 'src/a.ts')]);
    expect(result.skipped.map((n) => n.file)).toEqual(['outside', 'src/alias.ts', 'src/loop']);
    expect(
      result.skipped.every((n) => n.kind === 'skipped' && /symbolic link/.test(n.message)),
    ).toBe(true);
  });

  it('reports an unreadable directory instead of failing', async () => {
    // Root reads every directory regardless of its mode, so this case cannot be set up as root.
    if (process.getuid?.() === 0) return;
    write('src/a.ts');
    write('src/secret/b.ts');
    fs.chmodSync(path.join(root, 'src/secret'), 0o000);
    try {
      const result = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
      expect(result.files).toEqual([path.join(root, 'src/a.ts')]);
      expect(result.skipped).toEqual([
        expect.objectContaining({ file: 'src/secret', level: 'warning' }),
      ]);
    } finally {
      fs.chmodSync(path.join(root, 'src/secret'), 0o755);
    }
  });

  it('de-duplicates overlapping paths', async () => {
    write('src/auth/a.ts');
    write('src/b.ts');
    expect(await found({ paths: ['src', 'src/auth', 'src/auth/a.ts'] })).toEqual([
      'src/auth/a.ts',
      'src/b.ts',
    ]);
  });

  it('expands a quoted glob argument, leaving out ignored trees and tests', async () => {
    write('src/a/login.js');
    write('src/a/token.ts');
    write('src/a/login.test.js');
    write('src/a/notes.md', '# not source\n');
    write('node_modules/pkg/index.js');
    write('src/gen/out.js');
    write('.gitignore', 'src/gen/\n');
    expect(await found({ paths: ['src/**/*.js'] })).toEqual(['src/a/login.js']);
    expect(await found({ paths: ['src/**/*'], includeTests: true })).toEqual([
      'src/a/login.js',
      'src/a/login.test.js',
      'src/a/token.ts',
    ]);
    expect(await found({ paths: ['**/*.js'], ignore: ['src/a/login.js'] })).toEqual([]);
  });

  it('a glob that matches no source file is a UsageError naming it', async () => {
    write('src/readme.md', '# docs\n');
    const attempt = found({ paths: ['src/**/*.md'] });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(/pattern "src\/\*\*\/\*\.md" matches no/);
  });

  it('throws a one-line UsageError naming a path that does not exist', async () => {
    write('src/a.ts');
    const attempt = discover({
      cwd: root,
      paths: ['src', 'nope/missing'],
      ignore: [],
      includeTests: false,
    });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toThrow(/"nope\/missing" does not exist/);
    await attempt.catch((e: Error) => expect(e.message).not.toContain('\n'));
  });

  it('walks 5,000 files in well under two seconds', async () => {
    for (let d = 0; d < 50; d++) for (let f = 0; f < 100; f++) write(`src/d${d}/f${f}.ts`);
    for (let i = 0; i < 2000; i++) write(`node_modules/p${i % 50}/f${i}.js`);
    const start = performance.now();
    const result = await discover({ cwd: root, paths: ['.'], ignore: [], includeTests: false });
    const elapsed = performance.now() - start;
    expect(result.files).toHaveLength(5000);
    expect(elapsed).toBeLessThan(2000);
  });
});

describe('isTestFile', () => {
  it('matches test naming conventions and nothing else', () => {
    expect(isTestFile('a.test.ts')).toBe(true);
    expect(isTestFile('src/a.spec.mjs')).toBe(true);
    expect(isTestFile('src/__tests__/a.ts')).toBe(true);
    expect(isTestFile('__mocks__/jsonwebtoken.js')).toBe(true);
    expect(isTestFile('src/latest.ts')).toBe(false);
    expect(isTestFile('src/tests.ts')).toBe(false);
    expect(isTestFile('src/test-utils/jwt.ts')).toBe(false);
  });
});
