/**
 * A scan worker: parses and extracts facts for the batches of files the main thread sends, and
 * posts back plain data. Only `analyseFile` runs here; linking and rules stay in the main thread.
 * The first message is the scan's context: a worker may be started (and load the parser) while
 * files are still being discovered, before the context is known.
 */
import { parentPort } from 'node:worker_threads';
import { analyseFile, readOrError, type AnalyseContext } from './scan.js';
import { readSource } from './read-source.js';

let context: AnalyseContext | undefined;

parentPort!.on('message', (msg: { context: AnalyseContext } | { id: number; files: string[] }) => {
  if ('context' in msg) {
    context = msg.context;
    return;
  }
  const analyses = msg.files.map((file) =>
    analyseFile(file, readOrError(readSource, file), context!),
  );
  // Errors do not survive structured cloning as Error instances; analyses hold only plain data.
  parentPort!.postMessage({ id: msg.id, analyses });
});
