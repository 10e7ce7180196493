import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@outbox/config';
import { createLogger } from '@outbox/logger';
import { describe, expect, it } from 'vitest';
import { createWriterService } from './writer-service.ts';

async function startWriter(host: string) {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger({
    level: 'info',
    format: 'json',
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  const env = { OUTBOX_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'writer-')), 'db.sqlite'), WRITER_HOST: host };
  const writer = await createWriterService({ config: loadConfig({ env }), logger });
  return { writer, messages: () => lines.map((line) => line.msg) };
}

describe('the writer service', () => {
  it('logs the address it really listens on, and warns that all interfaces get no authentication', async () => {
    const { writer, messages } = await startWriter('0.0.0.0');
    try {
      const port = new URL(writer.url).port;
      expect(messages()).toContain(`writer listening on http://0.0.0.0:${port}`);
      expect(messages().some((m) => m.startsWith('the writer API has no authentication, and it listens on 0.0.0.0'))).toBe(true);
      // The URL it hands back is one to connect to.
      expect((await fetch(`${writer.url}/healthz`)).status).toBe(200);
    } finally {
      await writer.close();
    }
  });

  it('on loopback, logs that address and no warning', async () => {
    const { writer, messages } = await startWriter('127.0.0.1');
    try {
      expect(messages()).toContain(`writer listening on ${writer.url}`);
      expect(messages().some((m) => m.includes('no authentication'))).toBe(false);
    } finally {
      await writer.close();
    }
  });
});
