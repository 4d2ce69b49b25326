/**
 * Scan workers started ahead of the scan, while discovery is still listing files: loading the
 * parser in a worker then overlaps discovery instead of following it. Kept apart from
 * parallel.ts so that starting them loads nothing of the engine in this thread.
 */
import { Worker } from 'node:worker_threads';

export const WORKER_URL = new URL('./scan-worker.js', import.meta.url);

/**
 * Source bytes each thread needs for a worker to pay for itself: a worker loads the parser again
 * (~0.4 s of CPU) and its results are cloned back, while linking stays in the main thread. On 2
 * cores a second thread measured slower below ~24 MB (medusa 13 MB: 7% slower; 6,000 synthetic
 * files, 32 MB: 7% faster; 10,000, 54 MB: 16% faster) and, on a machine whose cores were busy with
 * other work, slower on every real checkout measured (payload 19 MB: 1.27x the wall time of one
 * thread; parse-server + payload + typescript-eslint 23 MB: 1.58x).
 */
export const BYTES_PER_THREAD = 12 * 1024 * 1024;

/**
 * Threads for a scan without `--jobs`: one per BYTES_PER_THREAD of source, at most one per core
 * left idle by other work, at least one. `load` is the 1-minute load average, which counts the
 * whole host's cores (`hostCores`, `os.cpus().length`): in a container given fewer cores than the
 * host has, the process's share of the load is taken. Bytes, not files: the work follows the
 * text, while each file costs the same to hand over.
 */
export function defaultThreads(
  bytes: number,
  cores: number,
  load: number,
  hostCores = cores,
): number {
  const busy = Math.floor((Math.max(0, load) * cores) / Math.max(cores, hostCores));
  return Math.max(1, Math.min(Math.floor(bytes / BYTES_PER_THREAD), cores - busy));
}

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
