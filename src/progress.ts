/**
 * "Scanning 1,234/10,000 files" on stderr, for a person waiting at a terminal: only when stderr
 * is a TTY, not in CI, not with --quiet, and only once a scan has taken more than a second (a
 * quick scan should not flicker). Redrawn at most ten times a second, erased when done.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

const SILENT: Progress = { update() {}, done() {} };

export function createProgress(
  write: (text: string) => void,
  enabled: boolean,
  now: () => number = Date.now,
): Progress {
  if (!enabled) return SILENT;
  const started = now();
  let lastDraw = 0;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (t - started < 1000 || (t - lastDraw < 100 && done < total)) return;
      lastDraw = t;
      drawn = true;
      write(`\r\x1b[KScanning ${done.toLocaleString('en')}/${total.toLocaleString('en')} files`);
    },
    done() {
      if (drawn) write('\r\x1b[K');
    },
  };
}

/** Whether a progress line may be drawn: a terminal on stderr, not CI, not asked to be quiet. */
export function progressWanted(
  stderrIsTTY: boolean,
  env: Record<string, string | undefined>,
  quiet: boolean,
): boolean {
  return stderrIsTTY && !quiet && !env.CI && env.TERM !== 'dumb';
}
