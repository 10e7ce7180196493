import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Calls `onChange` when another process writes the database: in WAL mode every commit appends to
 * `<db>-wal`, and inotify reports it within a millisecond or so. This is what lets the capture
 * worker pick up a new row at once without polling in a busy loop.
 */
export function watchDatabase(dbPath: string, onChange: () => void): FSWatcher {
  const name = basename(dbPath);
  const watcher = watch(dirname(dbPath), { persistent: false }, (_event, file) => {
    if (file === null || file === `${name}-wal` || file === name) onChange();
  });
  watcher.on('error', () => onChange());
  return watcher;
}
