// Loaded with `node --import` by tests/e2e/publisher-modules.int.test.ts: records every module the
// process loads and prints the list on exit, so a test can see what a process really loads.
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => {
  process.stderr.write(`loaded modules: ${JSON.stringify([...loaded])}\n`);
});
