/**
 * A deterministic synthetic monorepo of server code for `npm run bench`.
 *
 * Shape (per package, ~60-140 files): a minority of server packages (Express, Fastify, NestJS,
 * Koa, Hono, Next.js route handlers) with routes, middleware (rate limiters on some), JWT
 * verification in every style the engine knows (jsonwebtoken default/named/require/promisify and
 * callbacks, jose jwtVerify, @nestjs/jwt JwtService, @fastify/jwt request.jwtVerify, hono/jwt),
 * failure handling with and without logging (pino, winston, console, helpers in other files), and
 * a majority of ordinary files (services, models, utils, config) with no JWT content at all, as in
 * real monorepos. Files import each other by relative paths and index files.
 *
 * Also written, and NOT counted in `n` (discovery must skip them): test files, files under
 * directories listed in a root `.gitignore` and in one package's own `.gitignore`, and a
 * `node_modules/` tree. The corpus root gets its own `.git` so that it is a work tree of its own
 * (otherwise the enclosing repository's `.gitignore`, which lists `.bench/`, would apply).
 *
 * Same seed + GENERATOR_VERSION => byte-identical corpus; an existing corpus with a matching
 * manifest is reused as is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { prng, Rand, NOUNS, VERBS, ADJ } from './corpus/random.js';
import {
  type Lang,
  type Framework,
  type GenFile,
  type Pkg,
  pad,
  ordinaryFile,
} from './corpus/ordinary.js';
import { authHelperFile, loggerFile, indexFile, middlewareFile } from './corpus/auth-files.js';
import {
  routesFile,
  nestControllerFile,
  nestServiceFile,
  nestGuardFile,
  nextRouteFile,
} from './corpus/route-files.js';

/** Bump when the templates change, so that stale corpora are regenerated. */
export const GENERATOR_VERSION = 4;
export const DEFAULT_SEED = 20240611;

export interface CorpusManifest {
  version: number;
  seed: number;
  files: number;
  lines: number;
  bytes: number;
  jwtFiles: number;
  extraFiles: number;
}

/* ------------------------------------------------------------------ PRNG and names */

function planPackage(
  r: Rand,
  index: number,
  size: number,
  out: GenFile[],
  extras: GenFile[],
): void {
  const server = r.chance(0.55);
  const framework: Framework | null = server
    ? r.weighted({ express: 35, fastify: 15, nest: 20, koa: 10, hono: 10, next: 10 })
    : null;
  const lang: Lang = framework === 'nest' || framework === 'next' || r.chance(0.8) ? 'ts' : 'js';
  const name =
    `${r.pick(NOUNS)}-` +
    `${
      server
        ? r.pick(['api', 'service', 'gateway', 'server'])
        : r.pick(['core', 'domain', 'shared', 'sdk', 'utils', 'jobs'])
    }-${index}`;
  const pkg: Pkg = { name, root: `packages/${name}/src`, lang, framework, modules: {} };
  const ext = lang === 'ts' ? '.ts' : '.js';
  const files: GenFile[] = [];
  const add = (stem: string, text: string, jwt = false) =>
    files.push({ rel: stem + ext, text, jwt, counted: true });
  const R = pkg.root;

  // Fixed server skeleton first, then ordinary modules, then routes (which import services).
  if (framework !== null) {
    add(`${R}/lib/logger`, loggerFile(r, pkg));
    add(`${R}/lib/index`, indexFile(pkg, `${R}/lib/index`, [`${R}/lib/logger`]));
    add(`${R}/auth/verify`, authHelperFile(r, pkg, `${R}/auth/verify`), true);
    add(`${R}/auth/index`, indexFile(pkg, `${R}/auth/index`, [`${R}/auth/verify`]));
    if (framework === 'express' || framework === 'koa')
      add(`${R}/middleware/auth`, middlewareFile(r, pkg, `${R}/middleware/auth`), true);
    if (framework === 'nest') add(`${R}/auth/jwt.guard`, nestGuardFile(r), true);
  }
  const skeleton = files.length;
  const routeCount =
    framework === null ? 0 : Math.max(1, Math.round(((size - skeleton) * r.int(8, 18)) / 100));
  const ordinaryCount = Math.max(0, size - skeleton - routeCount - 1); // -1: package index
  const folders =
    framework === null
      ? ['models', 'services', 'utils', 'lib', 'domain', 'config', 'jobs']
      : ['models', 'services', 'utils', 'config', 'jobs', 'domain'];
  const stems = new Set<string>();
  for (let i = 0; i < ordinaryCount; i++) {
    const folder = r.pick(folders);
    let stem: string;
    do
      stem =
        `${R}/${folder}/${r.pick(ADJ)}-${r.pick(NOUNS)}` +
        `${r.chance(0.3) ? `-${r.pick(VERBS)}` : ''}`;
    while (stems.has(stem));
    stems.add(stem);
    const { text, exports } = ordinaryFile(r, pkg, stem, stem);
    (pkg.modules[folder] ??= []).push({ stem, exports });
    add(stem, text);
  }
  const nouns = new Set<string>();
  for (let i = 0; i < routeCount; i++) {
    let noun = r.pick(NOUNS);
    if (nouns.has(noun)) noun = `${noun}${i}`;
    nouns.add(noun);
    if (framework === 'nest') {
      if (i % 2 === 0)
        add(
          `${R}/${noun}/${noun}.controller`,
          nestControllerFile(r, pkg, `${R}/${noun}/${noun}.controller`, noun),
        );
      else add(`${R}/${noun}/${noun}.service`, nestServiceFile(r, noun));
    } else if (framework === 'next')
      add(
        `${R}/app/api/${noun}/route`,
        nextRouteFile(r, pkg, `${R}/app/api/${noun}/route`, noun),
        true,
      );
    else add(`${R}/routes/${noun}`, routesFile(r, pkg, `${R}/routes/${noun}`), true);
  }
  const top = Object.keys(pkg.modules)
    .slice(0, 4)
    .map((f) => pkg.modules[f][0].stem);
  add(
    `${R}/index`,
    lang === 'ts' ? indexFile(pkg, `${R}/index`, top) : indexFile(pkg, `${R}/index`, top),
  );
  // Nest services for controllers whose service came after the loop ended.
  if (framework === 'nest') {
    for (const f of files) {
      const m = /\/(\w+)\/\1\.controller\.ts$/.exec(f.rel);
      if (m && !files.some((g) => g.rel === f.rel.replace('.controller.ts', '.service.ts'))) {
        // keep the count: replace an ordinary file's slot is not worth it; a tiny service is fine
        files.push({
          rel: f.rel.replace('.controller.ts', '.service.ts'),
          text: nestServiceFile(r, m[1]),
          jwt: false,
          counted: true,
        });
      }
    }
  }
  out.push(...files.slice(0, size));

  // Not counted: tests (skipped by default), generated/ (root .gitignore), tmp/ and *.local.ts
  // (package .gitignore).
  for (let i = 0, n = r.int(1, 4); i < n; i++)
    extras.push({
      rel: `${R}/__tests__/${r.pick(NOUNS)}-${i}.test${ext}`,
      text: pad({ r, lang, noun: 'test', logger: null }, [], 60).join('\n'),
      jwt: false,
      counted: false,
    });
  for (let i = 0, n = r.int(0, 3); i < n; i++)
    extras.push({
      rel: `${R}/generated/${r.pick(NOUNS)}-${i}${ext}`,
      text: pad({ r, lang, noun: 'gen', logger: null }, [], 80).join('\n'),
      jwt: false,
      counted: false,
    });
  if (index % 10 === 3) {
    extras.push({
      rel: `packages/${name}/.gitignore`,
      text: 'tmp/\n*.local.ts\n',
      jwt: false,
      counted: false,
    });
    for (let i = 0; i < 5; i++) {
      extras.push({
        rel: `packages/${name}/tmp/scratch-${i}.ts`,
        text: pad({ r, lang: 'ts', noun: 'tmp', logger: null }, [], 60).join('\n'),
        jwt: false,
        counted: false,
      });
      extras.push({
        rel: `${R}/utils/override-${i}.local.ts`,
        text: pad({ r, lang: 'ts', noun: 'local', logger: null }, [], 60).join('\n'),
        jwt: false,
        counted: false,
      });
    }
  }
}

/** Generates the corpus in memory. */
export function generateCorpus(
  n: number,
  seed = DEFAULT_SEED,
): { files: GenFile[]; extras: GenFile[] } {
  const r = new Rand(prng(seed ^ Math.imul(n, 2654435761)));
  const files: GenFile[] = [];
  const extras: GenFile[] = [];
  for (let index = 0; files.length < n; index++) {
    const size = Math.min(r.int(60, 140), n - files.length);
    planPackage(r, index, size, files, extras);
  }
  // A node_modules tree (never analysed) and ignored build output, as in a real checkout.
  for (let i = 0; i < Math.ceil(n / 20); i++) {
    const mod = `${r.pick(NOUNS)}-lib-${i % 40}`;
    extras.push({
      rel: `node_modules/${mod}/lib/file-${i}.js`,
      text: pad({ r, lang: 'js', noun: 'dep', logger: null }, [], 50).join('\n'),
      jwt: false,
      counted: false,
    });
  }
  for (let i = 0; i < Math.ceil(n / 100); i++)
    extras.push({
      rel: `coverage/lcov-report/f${i}.js`,
      text: 'module.exports = {};\n',
      jwt: false,
      counted: false,
    });
  extras.push({
    rel: '.gitignore',
    text: '# build output\nnode_modules/\ncoverage/\ngenerated/\n*.log\n/tmp\n.cache/\n',
    jwt: false,
    counted: false,
  });
  extras.push({
    rel: 'package.json',
    text: `${JSON.stringify(
      { name: 'bench-monorepo', private: true, workspaces: ['packages/*'] },
      null,
      2,
    )}\n`,
    jwt: false,
    counted: false,
  });
  return { files, extras };
}

/**
 * Writes `.bench/corpus-<n>/` under `baseDir` unless a corpus with the same seed/version is there.
 */
export function ensureCorpus(
  baseDir: string,
  n: number,
  seed = DEFAULT_SEED,
  log: (s: string) => void = () => {},
): { dir: string; manifest: CorpusManifest; generated: boolean } {
  const dir = path.join(baseDir, `corpus-${n}`);
  const manifestPath = path.join(dir, '.corpus.json');
  try {
    const existing = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as CorpusManifest;
    if (existing.version === GENERATOR_VERSION && existing.seed === seed && existing.files === n)
      return { dir, manifest: existing, generated: false };
  } catch {
    // missing or unreadable: regenerate
  }
  log(`generating ${dir} (${n} files, seed ${seed})...`);
  fs.rmSync(dir, { recursive: true, force: true });
  const { files, extras } = generateCorpus(n, seed);
  const madeDirs = new Set<string>();
  let lines = 0;
  let bytes = 0;
  for (const f of [...files, ...extras]) {
    const abs = path.join(dir, f.rel);
    const d = path.dirname(abs);
    if (!madeDirs.has(d)) {
      fs.mkdirSync(d, { recursive: true });
      madeDirs.add(d);
    }
    const text = f.text.endsWith('\n') ? f.text : `${f.text}\n`;
    fs.writeFileSync(abs, text);
    if (f.counted) {
      lines += text.split('\n').length - 1;
      bytes += Buffer.byteLength(text);
    }
  }
  // Its own work tree: the enclosing repository's .gitignore (which lists .bench/) must not apply.
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  const manifest: CorpusManifest = {
    version: GENERATOR_VERSION,
    seed,
    files: files.length,
    lines,
    bytes,
    jwtFiles: files.filter((f) => f.jwt).length,
    extraFiles: extras.length,
  };
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir, manifest, generated: true };
}

// `node dist/bench/corpus.js <n> [seed]`: generate one corpus and print its manifest.
if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? 1000);
  const seed = Number(process.argv[3] ?? DEFAULT_SEED);
  const base = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../.bench');
  const { dir, manifest } = ensureCorpus(base, n, seed, (s) => process.stderr.write(`${s}\n`));
  process.stdout.write(`${dir}\n${JSON.stringify(manifest)}\n`);
}
