/** What every reporter is given besides the result. */
import type { ScanResult } from '../types.js';

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
