/**
 * Two ways to run the CLI in tests. `runCli` calls `run(argv, io)` from src/cli.ts in this
 * process, with the working directory, the environment and TTY-ness injected and stdout, stderr
 * and the exit code captured: everything the CLI reads or writes goes through its CliIO, so a
 * child process would prove nothing more. `spawnBin` runs the built executable
 * (`node bin/jwt-audit.js`), for what only a real process shows: the bin entry setting the exit
 * code and writing to the real streams, which modules a command loads, worker threads (they start
 * the built scan-worker.js). test/global-setup.ts builds dist/ once when it is missing or stale.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../src/cli.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(REPO, 'bin/jwt-audit.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment the CLI sees (NO_COLOR, GITHUB_STEP_SUMMARY, CI, TERM): nothing else. */
  env?: Record<string, string | undefined>;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

/**
 * `jwt-audit ...args` run in process from `cwd`; stdout and stderr are not terminals by default.
 */
export async function runCli(
  cwd: string,
  args: string[],
  options: CliOptions = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await run([process.execPath, BIN, ...args], {
    cwd,
    env: { ...options.env },
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: options.stderrIsTTY ?? false,
  });
  return { status, stdout, stderr };
}

/**
 * `node [nodeArgs] bin/jwt-audit.js ...args` in a child process from `cwd`, with the test
 * runner's environment less FORCE_COLOR and GITHUB_STEP_SUMMARY, plus `env`.
 */
export function spawnBin(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): CliRun {
  const { GITHUB_STEP_SUMMARY: _drop, FORCE_COLOR: _force, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [...nodeArgs, BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...inherited, ...env },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
