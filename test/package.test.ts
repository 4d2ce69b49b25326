/**
 * Packaging: what `npm pack` ships (the executable and the built code, nothing else), that the
 * shipped code is self-contained, and that the tarball installed into an empty project works as
 * `npx jwt-audit scan ./src`. The install uses the npm cache first (`--prefer-offline`): every
 * dependency is already there after `npm ci`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
};

/**
 * npm's own variables from an enclosing `npm test` (lifecycle, package, local prefix) would
 * describe this repository to the npm commands run in other directories; drop them.
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: '1' };
  for (const key of Object.keys(env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$|command$)/i.test(key) || key === 'INIT_CWD')
      delete env[key];
  }
  return env;
}
function npm(
  args: string[],
  cwd: string,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('npm', args, { cwd, env: npmEnv(), encoding: 'utf8', timeout: 90_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** dist/ is built before any test file runs (test/global-setup.ts). */
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * `--ignore-scripts`: `prepare` would rebuild dist/ while other test files run the built CLI;
 * the tests build before they run, so the packed files are the current build either way. Listed
 * once for the tests that read the list.
 */
let packed: string[] | undefined;
function packList(): string[] {
  if (packed === undefined) {
    const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], REPO);
    expect(r.status, r.stderr).toBe(0);
    const [entry] = JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>;
    packed = entry.files.map((f) => f.path).sort();
  }
  return [...packed];
}

describe('npm pack', () => {
  it('ships the executable, the built src and rules, package.json and the README only', () => {
    const files = packList();
    const shipped =
      /^(bin\/jwt-audit\.js|dist\/(src|rules)\/.+\.c?js|package\.json|README\.md|LICENSE(\.md)?)$/;
    expect(files.filter((f) => !shipped.test(f))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'bin/jwt-audit.js',
        'dist/src/main.js',
        'dist/src/cli.js',
        'dist/src/scan-worker.js',
        'dist/rules/index.js',
        'package.json',
      ]),
    );
    // No tests, fixtures, sources, maps, benchmarks or scripts, by any name.
    expect(
      files.filter((f) =>
        /(^|\/)(test|tests|fixtures|bench|scripts|docs)\/|\.(ts|map)$|\.test\./.test(f),
      ),
    ).toEqual([]);
    // Every built rule is there (not just the ones the smoke test below happens to load).
    const rules = fs.readdirSync(path.join(REPO, 'rules')).filter((f) => f.endsWith('.ts'));
    for (const rule of rules) expect(files).toContain(`dist/rules/${rule.replace(/\.ts$/, '.js')}`);
    expect(Object.values(PKG.bin)).toEqual(['bin/jwt-audit.js']);
  });

  it('is self-contained: every import of shipped code is shipped or a declared dependency', () => {
    const files = new Set(packList());
    const missing: string[] = [];
    for (const file of files) {
      if (!file.endsWith('.js')) continue;
      const text = fs.readFileSync(path.join(REPO, file), 'utf8');
      // The scanner knows imports from strings: rule examples that mention 'jsonwebtoken' are text.
      const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName);
      // Files the code opens by URL (the worker script, package.json for --version).
      for (const m of text.matchAll(/new URL\('([^']+)', import\.meta\.url\)/g))
        specifiers.push(m[1]);
      for (const specifier of specifiers) {
        if (specifier.startsWith('node:')) continue;
        if (specifier.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
          if (!files.has(target)) missing.push(`${file} -> ${specifier}`);
          continue;
        }
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : specifier.split('/')[0];
        if (!Object.hasOwn(PKG.dependencies, name))
          missing.push(`${file} -> ${specifier} (not in dependencies)`);
      }
    }
    expect(missing).toEqual([]);
  });

  it(
    'installs into an empty project, where `npx jwt-audit scan ./src` finds a silent catch ' +
      'and exits 1',
    () => {
      const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-pack-')));
      dirs.push(tmp);
      const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], REPO);
      expect(packed.status, packed.stderr).toBe(0);
      const tarball = path.join(
        tmp,
        (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0].filename,
      );
      expect(fs.existsSync(tarball)).toBe(true);

      const project = path.join(tmp, 'app');
      fs.mkdirSync(path.join(project, 'src'), { recursive: true });
      fs.writeFileSync(
        path.join(project, 'package.json'),
        JSON.stringify({ name: 'empty-app', version: '1.0.0', private: true }, null, 2),
      );
      const installed = npm(
        ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball],
        project,
      );
      expect(installed.status, installed.stderr).toBe(0);
      expect(fs.existsSync(path.join(project, 'node_modules/jwt-audit/bin/jwt-audit.js'))).toBe(
        true,
      );
      expect(fs.existsSync(path.join(project, 'node_modules/jwt-audit/src'))).toBe(false);

      fs.writeFileSync(
        path.join(project, 'src/app.js'),
        `const jwt = require('jsonwebtoken');

module.exports = function authenticate(token) {
  try {
    return jwt.verify(token, process.env.JWT_SECRET);
  } catch (err) {
    return null;
  }
};
`,
      );
      const version = npm(['exec', '--no', '--', 'jwt-audit', '--version'], project);
      expect(version.stdout.trim()).toBe(PKG.version);
      const scan = spawnSync('npx', ['jwt-audit', 'scan', './src'], {
        cwd: project,
        env: npmEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(scan.status, scan.stderr).toBe(1);
      expect(scan.stdout).toMatch(
        new RegExp(
          /^src\/app\.js\n\s+5:12\s+error\s+/.source +
            /Failure of JWT verification 'jwt\.verify' is handled without a log, metric or /
              .source +
            /rethrow\.\s+silent-verify-failure$/.source,
          'm',
        ),
      );
      const sarif = spawnSync('npx', ['jwt-audit', 'scan', './src', '-f', 'sarif'], {
        cwd: project,
        env: npmEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(JSON.parse(sarif.stdout).runs[0].tool.driver.version).toBe(PKG.version);
    },
  );
});
