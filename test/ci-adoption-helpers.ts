/** The sample app and helpers the CI-adoption tests share (a copy of test/data/ci-app per test). */
import { expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type CliRun, REPO, runCli } from './cli-harness.js';

export const APP = path.join(REPO, 'test/data/ci-app');

export interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  location: { file: string; start: { line: number } };
  suppression?: { kind: string; justification: string };
}
export const dirs: string[] = [];
/** A fresh copy of the fixture app (plus extra files), in a temporary directory. */
export function app(extra: Record<string, string> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'jwt-audit-ci-')));
  dirs.push(dir);
  fs.cpSync(APP, dir, { recursive: true });
  for (const [rel, content] of Object.entries(extra)) write(dir, rel, content);
  return dir;
}
export function write(dir: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), content);
}
export function read(dir: string, rel: string): string {
  return fs.readFileSync(path.join(dir, rel), 'utf8');
}
/** Replaces exactly one occurrence of `from` in a file. */
export function edit(dir: string, rel: string, from: string, to: string): void {
  const text = read(dir, rel);
  expect(text.split(from)).toHaveLength(2);
  write(dir, rel, text.replace(from, to));
}

/** `jwt-audit ...args` in process, with an environment holding only `env`. */
export function cli(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(cwd, args, { env });
}
export async function scanJson(
  cwd: string,
  args: string[] = [],
): Promise<{ status: number | null; findings: Finding[]; summary: Record<string, unknown> }> {
  const r = await cli(cwd, ['scan', 'src', '-f', 'json', ...args]);
  expect(r.stderr).toBe('');
  const report = JSON.parse(r.stdout) as { findings: Finding[]; summary: Record<string, unknown> };
  return { status: r.status, findings: report.findings, summary: report.summary };
}
/** `file:line rule` per finding: what a reviewer reads. */
export function where(findings: Finding[]): string[] {
  return findings.map((f) => `${f.location.file}:${f.location.start.line} ${f.ruleId}`);
}
export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.email=ci@example.com',
      '-c',
      'user.name=CI',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
    },
  );
}
export function expectUsageError(r: CliRun, pattern: RegExp): void {
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^jwt-audit: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
}

/** The fixture app's findings, as scanned from its root. */
export const KNOWN = [
  'src/middleware/auth.js:8 silent-verify-failure',
  'src/middleware/auth.js:19 fail-open-verify',
  'src/services/tokens.ts:6 silent-verify-failure',
];

/** A new route handler whose verification failure is swallowed. */
export const NEW_SILENT_ROUTE = `
router.post('/impersonate', (req, res) => {
  let claims;
  try {
    claims = jwt.verify(req.body.token, process.env.ADMIN_SECRET);
  } catch (err) {
    return res.status(403).end();
  }
  return res.json({ sub: claims.sub });
});
`;

/** Removes the app copies made so far (each test file calls it in its afterAll). */
export function removeApps(): void {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
