/**
 * A scan worker: parses and extracts facts for the batches of files the main thread sends, and
 * posts back plain data. Only `analyseFile` runs here; linking and rules stay in the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseFile, readOrError, type AnalyseContext } from './scan.js';
import { readSource } from './read-source.js';

const context = workerData as AnalyseContext;

parentPort!.on('message', (batch: { id: number; files: string[] }) => {
  const analyses = batch.files.map((file) => analyseFile(file, readOrError(readSource, file), context));
  // Errors do not survive structured cloning as Error instances; analyses hold only plain data.
  parentPort!.postMessage({ id: batch.id, analyses });
});
