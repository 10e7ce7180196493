import { createServer } from 'node:net';

// The kernel may give the same ephemeral port to two binds in a row once the first is closed,
// so a broker asking for a listener port and a controller port could get one port twice and
// refuse to start. Ports handed out by this process are never handed out again.
const handedOut = new Set<number>();
const maxTries = 100;

/** A TCP port on 127.0.0.1 that nothing listens on right now and that this process has not handed out before. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < maxTries; tries += 1) {
    const port = await unusedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${maxTries} tries that this process had not handed out already`);
}

function unusedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
