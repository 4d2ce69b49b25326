/** What the CLI talks to and the options its commands take (shared by cli.ts and engine-run.ts). */

/** Where the CLI talks to; tests and embedders can capture it. */
export interface CliIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdoutIsTTY: boolean;
  /** stderr is a terminal: a progress line may be drawn there. */
  stderrIsTTY?: boolean;
}

export function processIO(): CliIO {
  return {
    cwd: process.cwd(),
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
  };
}

export const FAIL_ON = ['error', 'warning', 'note', 'none'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface CommonOptions {
  format: string;
  output?: string;
  config?: string;
  ignore?: string[];
  color: boolean;
  quiet?: boolean;
  includeTests?: boolean;
  debug?: boolean;
  jobs?: number;
}

export interface ScanCommandOptions extends CommonOptions {
  failOn: FailOn;
  rule?: string[];
  disable?: string[];
  baseline?: string;
  since?: string;
  includeSuppressed?: boolean;
  maxWarnings?: number;
  printConfig?: string;
}
