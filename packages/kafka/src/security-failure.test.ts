import { loadConfig } from '@outbox/config';
import { AuthenticationError, MultipleErrors, NetworkError, ProtocolError, UserError } from '@platformatic/kafka';
import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';

// kafkajs' types declare no message for this error, though it takes one like every other.
const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

import { describe, expect, it } from 'vitest';
import { securityFailure } from './security-failure.ts';

const kafka = loadConfig({
  env: {
    KAFKA_BROKERS: '127.0.0.1:1',
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
    KAFKA_SASL_USERNAME: 'relay',
    KAFKA_SASL_PASSWORD: 'pw',
  },
}).kafka;

/** kafkajs reports a failed connection wrapped in its retry error, as producer.connect() throws it. */
const wrapped = (error: Error) => new KafkaJSNumberOfRetriesExceeded(error, { retryCount: 3, retryTime: 100 });

describe('securityFailure', () => {
  it('turns a refused login into one line naming the broker, the mechanism and the user', async () => {
    const failure = await securityFailure(wrapped(new SaslError('SASL SCRAM SHA512 authentication failed')), kafka);
    expect(failure?.code).toBe('KAFKA_AUTH_FAILED');
    expect(failure?.message).toBe(
      'Kafka at 127.0.0.1:1: authentication failed (SASL SCRAM-SHA-512 as relay): SASL SCRAM SHA512 authentication failed',
    );
  });

  it('names the TLS cause from the socket error kafkajs keeps', async () => {
    const tls = (code: string) =>
      securityFailure(wrapped(new KafkaJSConnectionError('Connection error: x', { broker: 'b1:9093', code })), kafka);
    expect((await tls('CERT_HAS_EXPIRED'))?.message).toBe("Kafka at b1:9093: the broker's certificate has expired");
    expect((await tls('SELF_SIGNED_CERT_IN_CHAIN'))?.message).toMatch(/not signed by a trusted CA/);
    expect((await tls('ERR_SSL_WRONG_VERSION_NUMBER'))?.message).toMatch(/does not speak TLS/);
  });

  it('leaves a broker that is only unreachable to the retry loop', async () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED', {
      broker: 'b1:9092',
      code: 'ECONNREFUSED',
    });
    expect(await securityFailure(wrapped(refused), kafka)).toBeUndefined();
    // A reset during the TLS handshake is a PLAINTEXT listener only if one answers there; nothing does at port 1.
    const reset = new KafkaJSConnectionError(
      'Connection error: Client network socket disconnected before secure TLS connection',
      {
        broker: '127.0.0.1:1',
        code: 'ECONNRESET',
      },
    );
    expect(await securityFailure(wrapped(reset), kafka)).toBeUndefined();
    expect(await securityFailure(new Error('boom'), kafka)).toBeUndefined();
  });
});

describe('securityFailure, with @platformatic/kafka', () => {
  // As initIdempotentProducer rejects: its retry loop's errors, each a failed connection to a broker
  // whose cause is what happened (the client's AuthenticationError, or Node's error with its code).
  const connecting = (cause: Error) =>
    new MultipleErrors('initProducerId failed 1 times.', [new NetworkError('Connection to b1:9093 failed.', { cause })]);
  const node = (code: string, message = code) => Object.assign(new Error(message), { code });

  it('turns a refused login into one line naming the broker, the mechanism, the user and what the broker said', async () => {
    const said = new ProtocolError(
      'SASL_AUTHENTICATION_FAILED',
      'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
    const refused = new AuthenticationError('SASL authentication failed.', { cause: said });
    const failure = await securityFailure(connecting(refused), kafka);
    expect(failure?.code).toBe('KAFKA_AUTH_FAILED');
    expect(failure?.message).toBe(
      'Kafka at b1:9093: authentication failed (SASL SCRAM-SHA-512 as relay): Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
  });

  it("names the TLS cause from Node's error under the client's", async () => {
    const tls = (code: string) => securityFailure(connecting(node(code)), kafka);
    expect((await tls('CERT_HAS_EXPIRED'))?.message).toBe("Kafka at b1:9093: the broker's certificate has expired");
    expect((await tls('UNABLE_TO_VERIFY_LEAF_SIGNATURE'))?.message).toMatch(/not signed by a trusted CA/);
    expect((await tls('ERR_TLS_CERT_ALTNAME_INVALID'))?.message).toMatch(/not for this address/);
    expect((await tls('ERR_SSL_WRONG_VERSION_NUMBER'))?.message).toMatch(/does not speak TLS/);
    const plain = { ...kafka, securityProtocol: 'SASL_PLAINTEXT' as const };
    const answeredInTls = new MultipleErrors('initProducerId failed 1 times.', [new UserError('Broker requires TLS.')]);
    expect((await securityFailure(answeredInTls, plain))?.message).toMatch(
      /the listener speaks TLS, but KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT/,
    );
  });

  it('leaves a broker that is only unreachable to the retry loop', async () => {
    expect(await securityFailure(connecting(node('ECONNREFUSED')), kafka)).toBeUndefined();
  });
});
