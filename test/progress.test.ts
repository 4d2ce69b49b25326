/**
 * The progress line: silent for quick scans, in CI, off a terminal and with --quiet; throttled;
 * erased.
 */
import { describe, expect, it } from 'vitest';
import { createProgress, progressWanted } from '../src/progress.js';

describe('progress', () => {
  it(
    'stays silent for the first second, then ' + 'redraws at most every 100 ms and erases itself',
    () => {
      let t = 0;
      const out: string[] = [];
      const p = createProgress(
        (s) => out.push(s),
        true,
        () => t,
      );
      p.update(1, 1000);
      t = 900;
      p.update(500, 1000);
      expect(out).toEqual([]);
      t = 1001;
      p.update(600, 1000);
      t = 1050;
      p.update(650, 1000); // throttled
      t = 1200;
      p.update(1000, 1000);
      p.done();
      expect(out).toEqual([
        '\r\x1b[KScanning 600/1,000 files',
        '\r\x1b[KScanning 1,000/1,000 files',
        '\r\x1b[K',
      ]);
    },
  );

  it('a quick scan leaves nothing behind', () => {
    const out: string[] = [];
    const p = createProgress(
      (s) => out.push(s),
      true,
      () => 0,
    );
    p.update(10, 10);
    p.done();
    expect(out).toEqual([]);
  });

  it('is wanted only on a terminal, outside CI, without --quiet', () => {
    expect(progressWanted(true, {}, false)).toBe(true);
    expect(progressWanted(false, {}, false)).toBe(false);
    expect(progressWanted(true, { CI: 'true' }, false)).toBe(false);
    expect(progressWanted(true, {}, true)).toBe(false);
    expect(progressWanted(true, { TERM: 'dumb' }, false)).toBe(false);
  });
});
