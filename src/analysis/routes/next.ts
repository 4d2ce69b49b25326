/**
 * Next.js: app-router `app/.../route.ts` exported method handlers and `pages/api/...` default
 * handlers as routes whose path is the file's location; `middleware.ts` limiters (with their
 * `config.matcher`) as project-wide limiters.
 */
import type { ts } from '../ast.js';
import type { RouteExtractContext } from './extract.js';
import type { FileApp, ProjectLimiter } from './types.js';

export function extractNextApps(_file: string, _sf: ts.SourceFile, _ctx: RouteExtractContext): { apps: FileApp[]; projectLimiters: ProjectLimiter[] } {
  return { apps: [], projectLimiters: [] };
}
