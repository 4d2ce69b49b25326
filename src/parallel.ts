/**
 * `--jobs N`: the per-file work (parse + extract) spread over N threads: N - 1 worker threads and
 * this one. Batches are handed to whichever thread is free; results are put back in file order,
 * so the output is identical whatever the job count. Linking and rules run once, in this thread.
 *
 * This thread takes batches too (measured at 10k files on 2 cores, against 2 workers and an idle
 * main thread): one parser load fewer, and its share of the facts is never structured-cloned
 * (cloning, then collecting the clones, cost the main thread ~2.5 s).
 *
 * Workers may be started before the file list is final (worker-pool.ts).
 */
import { Worker } from 'node:worker_threads';
import {
  analyseContext,
  analyseFile,
  finishScan,
  readOrError,
  type FileAnalysis,
  type ScanOptions,
} from './scan.js';
import type { ScanResult } from './types.js';
import { WORKER_URL, type WorkerPool } from './worker-pool.js';

const BATCH = 48;
/** Batches queued at each worker, so that it never waits while this thread works on a batch. */
const AHEAD = 2;

export async function scanParallel(
  options: ScanOptions,
  jobs: number,
  pool?: WorkerPool,
): Promise<ScanResult> {
  const files = options.files;
  const results: FileAnalysis[] = new Array(files.length);
  const batches: Array<{ id: number; start: number; files: string[] }> = [];
  for (let start = 0, id = 0; start < files.length; start += BATCH, id++)
    batches.push({ id, start, files: files.slice(start, start + BATCH) });
  const workerCount = Math.max(0, Math.min(jobs - 1, batches.length - 1));
  const context = analyseContext(options);
  let next = 0;
  let done = 0;
  const early = pool?.failure();
  if (early) {
    pool!.stop();
    throw early;
  }
  const started = pool?.workers ?? [];
  const workers: Worker[] = [];
  let failed: Error | undefined;
  let settle: (() => void) | undefined;
  const finished = () => done === files.length || failed !== undefined;
  const record = (start: number, analyses: readonly FileAnalysis[]) => {
    for (const [i, a] of analyses.entries()) results[start + i] = a;
    done += analyses.length;
    options.onProgress?.(done, files.length);
    if (finished()) settle?.();
  };
  const feed = (worker: Worker) => {
    if (next >= batches.length) return;
    const b = batches[next++];
    worker.postMessage({ id: b.id, files: b.files });
  };
  const fail = (error: Error) => {
    failed ??= error;
    settle?.();
  };
  // started workers beyond what the batches need are not used
  for (let i = workerCount; i < started.length; i++) void started[i].terminate();
  for (let i = 0; i < workerCount; i++) {
    const worker = started[i] ?? new Worker(WORKER_URL);
    workers.push(worker);
    worker.postMessage({ context });
    worker.on('message', (msg: { id: number; analyses: FileAnalysis[] }) => {
      record(batches[msg.id].start, msg.analyses);
      feed(worker);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!finished() && code !== 0) fail(new Error(`scan worker stopped with exit code ${code}`));
    });
    for (let k = 0; k < AHEAD; k++) feed(worker);
  }
  try {
    // This thread's share: one batch at a time, then a turn of the event loop so that workers'
    // results are taken (and their queues refilled) in between.
    while (next < batches.length && failed === undefined) {
      const b = batches[next++];
      record(
        b.start,
        b.files.map((file) => analyseFile(file, readOrError(options.readFile, file), context)),
      );
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (!finished()) await new Promise<void>((resolve) => (settle = resolve));
  } finally {
    for (const w of workers) void w.terminate();
  }
  if (failed) throw failed;
  return finishScan(results, options);
}
