/**
 * Runs once before all test files: builds dist/ when it is missing or older than a source file,
 * so the few tests that spawn the built executable (test/cli-harness.ts) never run a stale build,
 * and no two test files build at once. After `npm test` (build, then vitest) it does nothing.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(): number {
  let newest = 0;
  const visit = (file: string): void => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    } else if (file.endsWith('.ts') || file.endsWith('.json')) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of ['src', 'rules', 'tsconfig.json']) visit(path.join(REPO, entry));
  return newest;
}

export default function setup(): void {
  const built = path.join(REPO, 'dist/src/main.js');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newestSource()) return;
  execFileSync(
    process.execPath,
    [path.join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
    { cwd: REPO, stdio: 'inherit' },
  );
}
