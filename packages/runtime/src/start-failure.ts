import { EnvironmentError } from '@outbox/errors';

/** The exit codes of every process of the project (documented in docs/operations.md). */
export const exitCodes = {
  ok: 0,
  /** A crash, a failed shutdown, or a command whose check failed (verify found a lost event). */
  failed: 1,
  /** Invalid configuration or command-line arguments. */
  invalidConfig: 2,
  /** The surroundings are wrong: a missing database, directory or file; a read-only or full disk. */
  environment: 3,
  /** A second SIGINT/SIGTERM while shutting down. */
  forced: 130,
} as const;

/** Operating-system errors that describe the machine, not a bug (Node's messages name the path). */
const systemCodes = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EEXIST']);

/** SQLite's result codes for the same: the file cannot be opened, written or read as a database. */
const sqliteCodes = /^SQLITE_(CANTOPEN|READONLY|FULL|NOTADB|IOERR|PERM|AUTH)/;

/**
 * The one line that says why a process could not start, when the reason is its surroundings
 * (see {@link EnvironmentError}); undefined for anything else, which is a crash. Looks through
 * the error's causes, so a wrapped system error counts too.
 */
export function environmentProblem(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof EnvironmentError) return e.message;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (systemCodes.has(code) || sqliteCodes.test(code))) return e.message;
  }
  return undefined;
}
