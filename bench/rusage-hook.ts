/**
 * Preloaded (`node --import`) by bench.ts when GNU time is missing: at exit, writes the process's
 * own resource usage (CPU of every thread, peak RSS) to the file named by JWT_AUDIT_BENCH_RUSAGE.
 */
import fs from 'node:fs';

const target = process.env.JWT_AUDIT_BENCH_RUSAGE;
if (target) {
  process.on('exit', () => {
    fs.writeFileSync(target, `${JSON.stringify(process.resourceUsage())}\n`);
  });
}
