import { createServer, type IncomingMessage } from 'node:http';
import { freePort } from '@outbox/infra';

/** An alert as the pipeline posts it to its webhook. */
export interface ReceivedAlert {
  alert: string;
  severity: string;
  connector: string;
  message: string;
  details: unknown;
  at: string;
}

export interface AlertReceiver {
  /** Where to point `OUTBOX_ALERT_WEBHOOK_URL`. */
  url: string;
  /** Alerts received so far, in arrival order. */
  alerts: ReceivedAlert[];
  /** Requests whose body was not an alert (kept so a test can show them). */
  malformed: string[];
  /** Starts listening on the receiver's port, if it was started down. */
  up(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A local webhook receiver for alert tests. Started `down`, it has its port but nothing listens
 * on it, so senders get "connection refused" — the usual way a receiver is down — until `up()`.
 */
export async function startAlertReceiver(options: { down?: boolean } = {}): Promise<AlertReceiver> {
  const port = await freePort();
  const alerts: ReceivedAlert[] = [];
  const malformed: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const alert = parseAlert(body);
      if (alert) alerts.push(alert);
      else malformed.push(body);
      response.writeHead(alert ? 204 : 400).end();
    });
  });
  const up = () =>
    new Promise<void>((resolve, reject) => {
      if (server.listening) return resolve();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  if (!options.down) await up();
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    alerts,
    malformed,
    up,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseAlert(body: string): ReceivedAlert | undefined {
  try {
    const value = JSON.parse(body) as Partial<ReceivedAlert>;
    const complete =
      typeof value.alert === 'string' &&
      typeof value.severity === 'string' &&
      typeof value.connector === 'string' &&
      typeof value.message === 'string' &&
      typeof value.at === 'string' &&
      'details' in value;
    return complete ? (value as ReceivedAlert) : undefined;
  } catch {
    return undefined;
  }
}
