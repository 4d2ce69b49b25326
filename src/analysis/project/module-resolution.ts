/**
 * Resolves a project import specifier to one of the scanned files, without touching the file
 * system: relative paths with extension and `index` resolution (`./auth` -> `./auth.ts`,
 * `./auth/index.js`), NodeNext-style `.js` specifiers that point at `.ts` sources, and the common
 * path aliases (`@/lib/auth`, `~/auth`, `src/auth/auth.service`) matched by suffix.
 */
import path from 'node:path';
import type { WorkspacePackage } from '../../workspace.js';
import { packageNameOf, ProjectSpecifiers } from '../file/project-code.js';

const EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
/** Where packages keep their code (what tsconfig `paths` usually map a package's name to). */
const PACKAGE_SOURCE_DIRS = ['src', 'lib'];

export class ModuleResolver {
  private readonly files: Set<string>;
  /** Path without extension -> files, for alias suffix matching. */
  private readonly byStem = new Map<string, string[]>();
  private readonly cache = new Map<string, string | undefined>();
  /** Last path segment (a folder's name for its `index`) -> stems. */
  private readonly stemsByName = new Map<string, Set<string>>();

  private readonly packages: ReadonlyMap<string, WorkspacePackage>;
  /** Which specifiers are project code: the shapes, plus this monorepo's packages. */
  readonly specifiers: ProjectSpecifiers;

  constructor(files: readonly string[], packages: readonly WorkspacePackage[] = []) {
    this.files = new Set(files);
    this.packages = new Map(packages.map((p) => [p.name, p]));
    this.specifiers = new ProjectSpecifiers(new Set(this.packages.keys()));
    for (const f of files) {
      const stem = stripExtension(f).split(path.sep).join('/');
      const list = this.byStem.get(stem) ?? [];
      list.push(f);
      this.byStem.set(stem, list);
      // suffix lookups only look at stems ending in the wanted name (`auth`, or `auth/index`)
      const segments = stem.split('/');
      const last = segments[segments.length - 1];
      const name = last === 'index' && segments.length > 1 ? segments[segments.length - 2] : last;
      for (const key of new Set([name, last])) {
        const bucket = this.stemsByName.get(key) ?? new Set<string>();
        bucket.add(stem);
        this.stemsByName.set(key, bucket);
      }
    }
  }

  resolve(fromFile: string, specifier: string): string | undefined {
    // Answers are shared as widely as they hold: a relative specifier means the same file from
    // the whole folder, a workspace package's module the same from anywhere; only suffix-matched
    // aliases prefer the candidate nearest to the importer.
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const dir = path.dirname(fromFile);
      const key = `d\0${dir}\0${specifier}`;
      if (this.cache.has(key)) return this.cache.get(key);
      const hit = this.tryFile(
        specifier.startsWith('/') ? specifier : path.resolve(dir, specifier),
      );
      this.cache.set(key, hit);
      return hit;
    }
    const inPackage = this.inWorkspacePackage(specifier);
    if (inPackage) return inPackage;
    const fileKey = `f\0${fromFile}\0${specifier}`;
    if (this.cache.has(fileKey)) return this.cache.get(fileKey);
    const result = this.byAlias(fromFile, specifier);
    this.cache.set(fileKey, result);
    return result;
  }

  /** A module of one of the monorepo's packages, the same from every importer. */
  private inWorkspacePackage(specifier: string): string | undefined {
    const pkg = this.packages.get(packageNameOf(specifier));
    if (!pkg) return undefined;
    const key = `p\0${specifier}`;
    if (!this.cache.has(key))
      this.cache.set(key, this.inPackage(pkg, specifier.slice(pkg.name.length).replace(/^\//, '')));
    return this.cache.get(key);
  }

  /**
   * A path alias or a workspace package's deep path, matched by suffix (after the package's own
   * files).
   */
  private byAlias(fromFile: string, specifier: string): string | undefined {
    const alias =
      /^(?:@|~|#)\/(.*)$/.exec(specifier)?.[1] ??
      (/^(src|app|lib|server|apps|packages|libs)\//.test(specifier) ? specifier : undefined);
    if (alias !== undefined) return this.bySuffix(fromFile, alias);
    // @acme/backend/services/auth/auth.service: a workspace package or path alias; match its deep
    // path
    const workspace = /^@[\w.-]+\/([\w.-]+)\/(.+)$/.exec(specifier);
    if (workspace) {
      const [, pkg, rest] = workspace;
      // libraries/helpers/src/auth/auth.service for @acme/helpers/auth/auth.service: packages keep
      // their code under src/ or lib/ (what tsconfig `paths` usually map to)
      for (const dir of ['', ...PACKAGE_SOURCE_DIRS]) {
        const hit = this.bySuffix(fromFile, path.posix.join(pkg, dir, rest));
        if (hit) return hit;
      }
      // else the deep path alone, preferring a file inside a folder named like the package over a
      // same-named file of the importer's own package
      return this.bySuffix(fromFile, rest, (file) => file.split('/').includes(pkg));
    }
    return undefined;
  }

  /**
   * `@acme/core` -> its manifest's entry (sources preferred to built output), `@acme/core/x` -> `x`
   * under src/, lib/ or the root.
   */
  private inPackage(pkg: WorkspacePackage, subpath: string): string | undefined {
    if (subpath === '') {
      for (const entry of pkg.entries) {
        // dist/index.js of a TypeScript package: its source is src/index.ts
        const source = entry
          .replace(/^(\.\/)?(dist|build|lib|out)\//, 'src/')
          .replace(/\.d\.ts$/, '');
        const hit =
          this.tryFile(path.resolve(pkg.dir, source)) ?? this.tryFile(path.resolve(pkg.dir, entry));
        if (hit) return hit;
      }
      return (
        this.tryFile(path.join(pkg.dir, 'src')) ??
        this.tryFile(path.join(pkg.dir, 'index')) ??
        this.tryFile(path.join(pkg.dir, 'lib'))
      );
    }
    for (const dir of [...PACKAGE_SOURCE_DIRS, '']) {
      const hit = this.tryFile(path.join(pkg.dir, dir, subpath));
      if (hit) return hit;
    }
    return undefined;
  }

  private tryFile(base: string): string | undefined {
    if (this.files.has(base)) return base;
    const noExt = stripExtension(base);
    for (const ext of EXTENSIONS) {
      if (this.files.has(base + ext)) return base + ext;
      if (noExt !== base && this.files.has(noExt + ext)) return noExt + ext;
    }
    for (const ext of EXTENSIONS) {
      const idx = path.join(base, `index${ext}`);
      if (this.files.has(idx)) return idx;
    }
    return undefined;
  }

  /**
   * `@/lib/auth` -> the scanned file whose path ends in `/lib/auth(.ts|/index.ts)`, nearest to the
   * importer.
   */
  private bySuffix(
    fromFile: string,
    rest: string,
    preferred?: (file: string) => boolean,
  ): string | undefined {
    const wanted = stripExtension(rest).replace(/\/$/, '');
    const candidates: string[] = [];
    const name = wanted.slice(wanted.lastIndexOf('/') + 1);
    for (const stem of this.stemsByName.get(name) ?? []) {
      if (stem.endsWith(`/${wanted}`) || stem.endsWith(`/${wanted}/index`))
        candidates.push(...this.byStem.get(stem)!);
    }
    if (candidates.length === 0) return undefined;
    // prefer the candidate sharing the longest directory prefix with the importer
    const from = fromFile.split(path.sep).join('/');
    const rank = (file: string) => (preferred?.(file.split(path.sep).join('/')) ? 1 : 0);
    candidates.sort(
      (a, b) =>
        rank(b) - rank(a) || commonPrefix(b, from) - commonPrefix(a, from) || a.localeCompare(b),
    );
    return candidates[0];
  }
}

function stripExtension(f: string): string {
  const ext = path.extname(f);
  return EXTENSIONS.includes(ext) ? f.slice(0, -ext.length) : f;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
