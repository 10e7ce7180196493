import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.ts';

function capture(secrets: string[]) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ format: 'json', destination, secrets }), lines };
}

describe('secrets in log records', () => {
  it('hides the arguments of AUTH and HELLO … AUTH in an error, whatever the password', () => {
    const { logger, lines } = capture([]);
    const hello = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'hello', args: ['3', 'AUTH', 'default', 'not-configured-1'] },
    });
    const auth = Object.assign(new Error('WRONGPASS invalid username-password pair'), {
      command: { name: 'auth', args: ['app', 'not-configured-2'] },
    });
    logger.warn({ err: hello }, 'hello failed');
    logger.warn({ err: auth, error: auth }, 'auth failed');
    logger.warn({ err: new Error('outer', { cause: auth }) }, 'nested');
    const text = lines.join('');
    expect(text).not.toContain('not-configured');
    expect(JSON.parse(lines[0] ?? '{}').err.command).toEqual({ name: 'hello', args: ['3', 'AUTH', '[redacted]', '[redacted]'] });
  });

  it('hides every configured secret wherever it appears: token, webhook URL credentials, Redis password', () => {
    const secrets = ['rest-token-0123456789', 'hook-pass-xyz', 'redis-pass-\\"q'];
    const { logger, lines } = capture(secrets);
    logger.info({ header: 'Bearer rest-token-0123456789', list: ['x', { deep: 'hook-pass-xyz' }] }, 'request');
    logger.error({ err: new Error('connect to redis://u:redis-pass-\\"q@h:1 failed') }, 'see rest-token-0123456789');
    logger.info({ value: 'redis-pass-\\"q' }, 'exact');
    const text = lines.join('');
    for (const secret of secrets) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    }
    expect(lines).toHaveLength(3);
    expect(() => lines.map((line) => JSON.parse(line))).not.toThrow();
  });
});
