// The image's HEALTHCHECK: asks the running command's own probe. The capture and publisher workers
// serve /healthz on OUTBOX_HTTP_PORT (the image sets 8083; each container has its own network, so
// publishers do not collide), the writer on WRITER_PORT. One-off commands (load, verify, status…)
// and the console consumer have no HTTP server and are healthy while they run.
import { readFileSync } from 'node:fs';

const args = readFileSync('/proc/1/cmdline', 'utf8').split('\0');
const command = args[args.findIndex((arg) => arg.endsWith('main.ts')) + 1];
const port = { capture: process.env.OUTBOX_HTTP_PORT, publisher: process.env.OUTBOX_HTTP_PORT, writer: process.env.WRITER_PORT }[
  command ?? ''
];

if (port === undefined) process.exit(0);
try {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) });
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  process.stderr.write(`healthcheck: ${command} at port ${port}: ${error.message}\n`);
  process.exit(1);
}
