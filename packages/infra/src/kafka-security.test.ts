import { describe, expect, it } from 'vitest';
import { checkSecurityOptions, type KafkaSecurityOptions, scramFormatArgs, withProperties } from './kafka-security.ts';

const tls = { caFile: 'ca.pem', certFile: 'broker.pem', keyFile: 'broker.key' };

describe('the secured broker settings', () => {
  it('replace the template lines they name and append the rest', () => {
    const template = ['# comment', 'listeners=PLAINTEXT://127.0.0.1:1', 'num.partitions=6', ''].join('\n');
    expect(withProperties(template, { listeners: 'A://x:1,B://x:2', 'sasl.enabled.mechanisms': 'PLAIN' })).toBe(
      [
        '# comment',
        'listeners=A://x:1,B://x:2',
        'num.partitions=6',
        '',
        '',
        '# Secured listeners (packages/infra/src/kafka-security.ts)',
        'sasl.enabled.mechanisms=PLAIN',
      ].join('\n'),
    );
  });

  it('create every user for both SCRAM mechanisms at format time', () => {
    expect(scramFormatArgs([{ username: 'alice', password: 'a-1' }])).toEqual([
      '--add-scram',
      'SCRAM-SHA-512=[name=alice,password=a-1]',
      '--add-scram',
      'SCRAM-SHA-256=[name=alice,password=a-1]',
    ]);
  });

  it('refuse what the config text could not carry, and listener names that clash', () => {
    const options = (security: Partial<KafkaSecurityOptions>): KafkaSecurityOptions => ({ tls, users: [], ...security });
    expect(() => checkSecurityOptions(options({ users: [{ username: 'alice', password: 'a"b' }] }))).toThrow(/alice/);
    expect(() => checkSecurityOptions(options({ users: [{ username: 'a,b', password: 'x' }] }))).toThrow(/a,b/);
    expect(() => checkSecurityOptions(options({ extraTlsListeners: [{ name: 'SSL', ...tls }] }))).toThrow(/SSL/);
    expect(() => checkSecurityOptions(options({ extraTlsListeners: [{ name: 'expired', ...tls }] }))).toThrow(/expired/);
    expect(() => checkSecurityOptions(options({ users: [{ username: 'alice', password: 'a-b.c_d~e+f' }] }))).not.toThrow();
  });
});
