/**
 * What counts as the project's own code: the import specifiers that name it (relative and rooted
 * paths, the usual aliases, the monorepo's packages), and where a call into it goes.
 */
/**
 * The scanned monorepo's own package names (src/workspace.ts), set once per thread before files
 * are analysed: their imports are project code, not libraries.
 */
/** `@acme/core/utils` -> `@acme/core`, `lodash/fp` -> `lodash`. */
export function packageNameOf(source: string): string {
  // asked of every module value the resolver meets: indexOf, not split
  const slash = source.indexOf('/', source.startsWith('@') ? source.indexOf('/') + 1 : 0);
  return slash < 0 ? source : source.slice(0, slash);
}

/**
 * Which import specifiers name the project's own code: relative and rooted paths, the usual
 * aliases, and the monorepo's own packages (known per scan, so this is an object, not a global).
 */
export class ProjectSpecifiers {
  constructor(private readonly workspacePackages: ReadonlySet<string> = new Set()) {}

  /** Answers so far: the same few hundred specifiers are asked about in every file. */
  private readonly known = new Map<string, boolean>();

  has(source: string): boolean {
    let known = this.known.get(source);
    if (known === undefined) {
      known =
        (this.workspacePackages.size > 0 && this.workspacePackages.has(packageNameOf(source))) ||
        isProjectSpecifier(source);
      this.known.set(source, known);
    }
    return known;
  }
}

/** A project specifier by its shape alone (no workspace packages known). */
export function isProjectSpecifier(source: string): boolean {
  return (
    source.startsWith('.') ||
    source.startsWith('/') ||
    source.startsWith('@/') ||
    source.startsWith('~/') ||
    source.startsWith('#') ||
    /^(src|app|lib|server|apps|packages|libs)\//.test(source) ||
    isWorkspaceAlias(source)
  );
}

/** Scopes of published packages: their deep imports are libraries, not the project's own code. */
const PUBLISHED_SCOPES = new RegExp(
  [
    '^@(nestjs|fastify|sentry|opentelemetry|aws-sdk|prisma|koa|hono|upstash',
    'vercel|node-rs|types|angular|mui|apollo|google-cloud|azure|tanstack|trpc',
    'babel|typescript-eslint|reduxjs|emotion|radix-ui|testing-library|octokit',
    'firebase|supabase|clerk|auth|next|remix-run|sveltejs|vue|nuxt',
    'graphql-tools|mikro-orm|casl|hapi|elastic|grpc|smithy|swc|jest|vitest',
    'playwright|slack|stripe|datadog|arcjet|logtape|aws-lambda-powertools',
    'simplewebauthn|otplib|lucia-auth|panva|peculiar)\\/',
  ].join('|'),
);

/**
 * `@acme/backend/services/auth.service`: a monorepo workspace or tsconfig path alias with a deep
 * path.
 */
export function isWorkspaceAlias(source: string): boolean {
  return /^@[\w.-]+\/[\w.-]+\/[\w./-]+$/.test(source) && !PUBLISHED_SCOPES.test(source);
}

/**
 * Where a call goes, when it goes into the project's own code (call-targets.ts records it, the
 * call graph resolves it across files).
 */
export type CallTarget =
  /** A function of the same file, by id. */
  | { kind: 'local'; fn: number }
  /**
   * An export path of a project module: `['verifyToken']`, `['AuthService', '#instance', 'check']`.
   */
  | { kind: 'module'; source: string; path: string[] }
  /** A method of a class declared in this file. */
  | { kind: 'method'; className: string; method: string }
  /** A method on a receiver the bindings cannot follow (`this.authService.check()` in plain JS):
   *  matched later against project classes named like the receiver. */
  | { kind: 'receiver'; receiver: string; method: string };
