import type { Reporter, ReporterOptions } from './options.js';

export type { Reporter, ReporterOptions };
import { githubReporter } from './github.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { textReporter } from './text.js';

/** `--format` name -> reporter. An explicit map: adding a format is adding a row. */
export const REPORTERS: Record<string, Reporter> = {
  text: textReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  github: githubReporter,
  html: htmlReporter,
};
