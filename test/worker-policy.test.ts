import { describe, expect, it } from 'vitest';
import { BYTES_PER_THREAD, defaultThreads } from '../src/worker-pool.js';

const MB = 1024 * 1024;

describe('defaultThreads', () => {
  it('uses one thread below two threads’ worth of source, whatever the cores', () => {
    expect(defaultThreads(2 * BYTES_PER_THREAD - 1, 2, 0)).toBe(1);
    expect(defaultThreads(19 * MB, 16, 0)).toBe(1); // payload, whole
    expect(defaultThreads(0, 8, 0)).toBe(1);
  });

  it('adds a thread per BYTES_PER_THREAD, up to the cores', () => {
    expect(defaultThreads(2 * BYTES_PER_THREAD, 2, 0)).toBe(2);
    expect(defaultThreads(54 * MB, 2, 0.5)).toBe(2);
    expect(defaultThreads(54 * MB, 8, 0)).toBe(4);
    expect(defaultThreads(500 * MB, 8, 0)).toBe(8);
  });

  it('leaves out cores that other work keeps busy', () => {
    expect(defaultThreads(54 * MB, 2, 1.2)).toBe(1);
    expect(defaultThreads(54 * MB, 2, 9.7)).toBe(1);
    expect(defaultThreads(500 * MB, 8, 5.5)).toBe(3);
  });

  it('takes its share of a host-wide load when it has fewer cores than the host', () => {
    // 2 of 64 cores, the host's load 16: a quarter busy, so both of its cores count as idle
    expect(defaultThreads(54 * MB, 2, 16, 64)).toBe(2);
    expect(defaultThreads(54 * MB, 2, 48, 64)).toBe(1);
  });
});
