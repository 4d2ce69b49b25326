import type { Notice } from '../types.js';

/**
 * A notice's message for a reporter that shows its file beside it: a message that starts by naming
 * the same file (`Skipped src/a.js: looks minified.`) loses the repetition (`Skipped: looks
 * minified.`).
 */
export function noticeMessage(n: Notice): string {
  if (n.file === undefined) return n.message;
  for (const prefix of [`${n.file}: `, `Skipped ${n.file}: `]) {
    if (n.message.startsWith(prefix)) {
      const rest = n.message.slice(prefix.length);
      return prefix.startsWith('Skipped') ? `Skipped: ${rest}` : rest;
    }
  }
  return n.message;
}
