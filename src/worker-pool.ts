/**
 * Scan workers started ahead of the scan, while discovery is still listing files: loading the
 * parser in a worker then overlaps discovery instead of following it. Kept apart from
 * parallel.ts so that starting them loads nothing of the engine in this thread.
 */
import { Worker } from 'node:worker_threads';

export const WORKER_URL = new URL('./scan-worker.js', import.meta.url);

/** Worker threads started ahead of a scan; `scanParallel` takes them, `stop` ends unused ones. */
export interface WorkerPool {
  readonly workers: readonly Worker[];
  /** Why a worker stopped before the scan took it, if one did. */
  failure(): Error | undefined;
  stop(): void;
}

export function startWorkers(count: number): WorkerPool {
  let failure: Error | undefined;
  const workers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL);
    worker.on('error', (error) => (failure ??= error));
    worker.on(
      'exit',
      (code) => (failure ??= new Error(`scan worker stopped with exit code ${code}`)),
    );
    return worker;
  });
  return {
    workers,
    failure: () => failure,
    stop: () => {
      for (const w of workers) {
        w.removeAllListeners('exit');
        void w.terminate();
      }
    },
  };
}
