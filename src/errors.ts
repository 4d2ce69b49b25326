/**
 * A problem with how jwt-audit was invoked (bad argument, missing path, invalid config,
 * unwritable output). The CLI prints its message as one line on stderr and exits with 2.
 * The message says what is wrong and how to fix it.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The errno code of a file-system error (`ENOENT`), else its message. */
export function errorCode(error: unknown): string {
  return (
    (error as NodeJS.ErrnoException)?.code ??
    (error instanceof Error ? error.message : String(error))
  );
}
