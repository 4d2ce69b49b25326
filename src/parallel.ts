/**
 * `--jobs N`: the per-file work (parse + extract) spread over worker threads, in batches handed
 * to whichever worker is free; results are put back in file order, so the output is identical
 * whatever the job count. Linking and rules run once, in the main thread.
 */
import { Worker } from 'node:worker_threads';
import { analyseContext, finishScan, type FileAnalysis, type ScanOptions } from './scan.js';
import type { ScanResult } from './types.js';

const BATCH = 48;

export async function scanParallel(options: ScanOptions, jobs: number): Promise<ScanResult> {
  const files = options.files;
  const results: FileAnalysis[] = new Array(files.length);
  const batches: Array<{ id: number; start: number; files: string[] }> = [];
  for (let start = 0, id = 0; start < files.length; start += BATCH, id++) batches.push({ id, start, files: files.slice(start, start + BATCH) });
  const workerCount = Math.max(1, Math.min(jobs, batches.length));
  let next = 0;
  let done = 0;
  const workerUrl = new URL('./scan-worker.js', import.meta.url);
  await new Promise<void>((resolve, reject) => {
    const workers: Worker[] = [];
    let finished = false;
    const fail = (error: Error) => {
      if (finished) return;
      finished = true;
      for (const w of workers) void w.terminate();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next >= batches.length) return;
      const b = batches[next++];
      worker.postMessage({ id: b.id, files: b.files });
    };
    for (let i = 0; i < workerCount; i++) {
      const worker = new Worker(workerUrl, { workerData: analyseContext(options) });
      workers.push(worker);
      worker.on('message', (msg: { id: number; analyses: FileAnalysis[] }) => {
        const b = batches[msg.id];
        msg.analyses.forEach((a, i) => (results[b.start + i] = a));
        done += msg.analyses.length;
        options.onProgress?.(done, files.length);
        if (done === files.length) {
          finished = true;
          for (const w of workers) void w.terminate();
          resolve();
        } else feed(worker);
      });
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (!finished && code !== 0) fail(new Error(`scan worker stopped with exit code ${code}`));
      });
      feed(worker);
    }
    if (files.length === 0) {
      finished = true;
      for (const w of workers) void w.terminate();
      resolve();
    }
  });
  return finishScan(results, options);
}
