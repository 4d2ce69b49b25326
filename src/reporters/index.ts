/**
 * Reporters: each turns a finished `ScanResult` into the text of one output format. They only
 * format: no file system, no process, no console; the CLI writes what they return.
 */
import type { ScanResult } from '../types.js';
import { githubReporter } from './github.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

export interface ReporterOptions {
  /** Colour the text output (the CLI decides: TTY, NO_COLOR, --no-color). */
  color: boolean;
  /** Absolute working directory the scan was run from. */
  cwd: string;
  /** `--quiet`: findings and errors only, no notices of skipped files and no summary line. */
  quiet?: boolean;
  /** The lines of a scanned file (path as in a finding's location), for code excerpts (html). */
  sourceLines?: (file: string) => string[] | undefined;
  /** Absolute folder that was scanned: names the html report, which shows paths relative to it. */
  scanRoot?: string;
}

export type Reporter = (result: ScanResult, options: ReporterOptions) => string;

/** `--format` name -> reporter. An explicit map: adding a format is adding a row. */
export const REPORTERS: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  html: htmlReporter,
};
