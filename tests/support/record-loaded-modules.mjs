// Loaded with `node --import` by tests/e2e/publisher-modules.int.test.ts: records every module the
// process loads and writes the list, as JSON, to the file LOADED_MODULES_FILE names when the process
// exits. A file, not stderr: a list of a thousand long paths written to a pipe at exit can be cut
// short when the process ends before the pipe is drained.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify([...loaded]));
});
