import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './create-logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with the component and redacts secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ format: 'json', destination, base: { connector: 'users-outbox' } });
    logger
      .child({ component: 'capture' })
      .info({ kafka: { sasl: { password: 'hunter2' } }, token: 't0k', config: { http: { token: 'api-secret' } } }, 'hello');
    const line = JSON.parse(lines[0] ?? '{}') as Record<string, unknown>;
    expect(line).toMatchObject({ component: 'capture', connector: 'users-outbox', msg: 'hello', token: '[redacted]' });
    expect(JSON.stringify(line)).not.toContain('hunter2');
    expect(JSON.stringify(line)).not.toContain('api-secret');
  });

  it('hides the password of a URL', () => {
    expect(redactUrl('redis://user:secret@host:6379')).toBe('redis://user:redacted@host:6379');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
