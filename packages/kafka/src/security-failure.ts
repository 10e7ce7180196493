import { connect } from 'node:tls';
import { EnvironmentError } from '@outbox/errors';
import { errorLinks } from './error-links.ts';
import { kafkaAnswers } from './kafka-probe.ts';
import { type KafkaSettings, securityOptions } from './kafka-security.ts';

/** Node's certificate checks that fail because the broker's chain is not trusted here. */
const untrusted = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

/**
 * What a failed connection says about the security settings, if anything: a refused login or a
 * TLS handshake that cannot succeed. Neither heals by waiting, so the process stops with one line
 * naming the broker and the cause (exit 3) instead of retrying forever; anything else (a broker
 * that is down or restarting) is left to the retry loop.
 */
export async function securityFailure(error: unknown, settings: KafkaSettings): Promise<EnvironmentError | undefined> {
  const failure = findKafkaFailure(error);
  if (!failure) return undefined;
  const broker = failure.broker ?? settings.brokers.join(',');
  const fail = (code: string, cause: string) => new EnvironmentError(`Kafka at ${broker}: ${cause}`, { code, cause: error });
  // Our own reason, such as a token command that failed (kafka-security.ts).
  if (failure.own) return fail(failure.own.code, failure.own.message);
  if (failure.authentication) {
    const who = settings.sasl.username ? ` as ${settings.sasl.username}` : '';
    return fail('KAFKA_AUTH_FAILED', `authentication failed (SASL ${settings.sasl.mechanism}${who}): ${failure.message}`);
  }
  if (failure.tlsRequired)
    return fail(
      'KAFKA_TLS_FAILED',
      `the listener speaks TLS, but KAFKA_SECURITY_PROTOCOL is ${settings.securityProtocol} (use SSL or SASL_SSL)`,
    );
  const code = failure.code ?? '';
  if (code === 'CERT_HAS_EXPIRED') return fail('KAFKA_TLS_FAILED', "the broker's certificate has expired");
  if (code === 'CERT_NOT_YET_VALID') return fail('KAFKA_TLS_FAILED', "the broker's certificate is not valid yet");
  if (untrusted.has(code))
    return fail('KAFKA_TLS_FAILED', `the broker's certificate is not signed by a trusted CA (${code}; see KAFKA_SSL_CA_FILE)`);
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return fail('KAFKA_TLS_FAILED', `the broker's certificate is not for this address: ${failure.message}`);
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG')
    return fail('KAFKA_TLS_FAILED', 'the listener does not speak TLS (is it PLAINTEXT or SASL_PLAINTEXT?)');
  // A Kafka PLAINTEXT listener does not answer a ClientHello: it reads it as an oversized request
  // and closes the socket. Only a plain Kafka handshake that succeeds tells that from a reset.
  const probed = failure.broker ?? settings.brokers[0] ?? broker;
  if (code === 'ECONNRESET' && settings.securityProtocol.endsWith('SSL') && (await speaksPlainKafka(probed, settings)))
    return fail('KAFKA_TLS_FAILED', 'the listener does not speak TLS (is it PLAINTEXT or SASL_PLAINTEXT?)');
  if (code.startsWith('ERR_SSL_'))
    return fail('KAFKA_TLS_FAILED', `the TLS handshake failed (${code}; does the broker require a client certificate?)`);
  if (!settings.securityProtocol.endsWith('SSL') && /closed/i.test(failure.message) && (await speaksTls(probed)))
    return fail(
      'KAFKA_TLS_FAILED',
      `the listener speaks TLS, but KAFKA_SECURITY_PROTOCOL is ${settings.securityProtocol} (use SSL or SASL_SSL)`,
    );
  return undefined;
}

interface KafkaFailure {
  name: string;
  message: string;
  code?: string;
  broker?: string;
  own?: EnvironmentError;
  /** The broker refused the login. */
  authentication?: boolean;
  /** A plain connection was answered in TLS (@platformatic/kafka tells this itself). */
  tlsRequired?: boolean;
}

/**
 * Both clients wrap the failure of a connection in retry errors; the innermost one says what
 * happened. kafkajs names its connection errors and puts Node's code and the broker on them;
 * @platformatic/kafka wraps Node's error (with its code) in a `PLT_KFK_NETWORK` error whose message
 * names the broker.
 */
function findKafkaFailure(error: unknown): KafkaFailure | undefined {
  const links = errorLinks(error);
  const own = links.find((e) => e instanceof EnvironmentError);
  if (own instanceof EnvironmentError) return { name: own.name, message: own.message, own };
  let found: KafkaFailure | undefined;
  let broker: string | undefined;
  let underPlatformatic = false;
  for (const e of links) {
    if (!(e instanceof Error)) continue;
    const { code, broker: kafkajsBroker } = e as { code?: unknown; broker?: unknown };
    if (typeof code === 'string' && code.startsWith('PLT_KFK_')) underPlatformatic = true;
    const connectionTo = /^Connection to (\S+) failed/.exec(e.message)?.[1];
    if (code === 'PLT_KFK_NETWORK' && connectionTo) broker ??= connectionTo;
    const at = { ...(broker && { broker }) };
    if (e.name === 'KafkaJSSASLAuthenticationError' || code === 'PLT_KFK_AUTHENTICATION') {
      // @platformatic/kafka's own words are generic; the broker's reason is in a cause.
      const reason = code === 'PLT_KFK_AUTHENTICATION' ? (brokerReason(e) ?? e.message) : e.message;
      return { name: e.name, message: reason, authentication: true, ...at };
    }
    if (code === 'PLT_KFK_USER' && /requires TLS/.test(e.message))
      return { name: e.name, message: e.message, tlsRequired: true, ...at };
    if (e.name.startsWith('KafkaJSConnection'))
      found = {
        name: e.name,
        message: e.message,
        ...(typeof code === 'string' && { code }),
        ...(typeof kafkajsBroker === 'string' && { broker: kafkajsBroker }),
      };
    // Node's own error under @platformatic/kafka's: its code names the cause (ECONNRESET, CERT_HAS_EXPIRED).
    else if (underPlatformatic && typeof code === 'string' && !code.startsWith('PLT_KFK_') && !found?.code)
      found = { name: e.name, message: e.message, code, ...at };
    else if (broker && code === 'PLT_KFK_NETWORK' && !found) found = { name: e.name, message: e.message, broker };
  }
  return found;
}

/** The broker's message for a refused login, as @platformatic/kafka keeps it (`serverErrorMessage`). */
function brokerReason(error: Error): string | undefined {
  for (const link of errorLinks(error)) {
    const said = (link as { serverErrorMessage?: unknown }).serverErrorMessage;
    if (typeof said === 'string' && said) return said;
  }
  return undefined;
}

/** Whether a TLS handshake with `broker` (host:port) completes, its certificate unchecked. */
function speaksTls(broker: string, timeoutMs = 2000): Promise<boolean> {
  const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * Whether `broker` answers kafkajs without TLS, logging in as configured: a PLAINTEXT or
 * SASL_PLAINTEXT listener does, a TLS one closes the socket.
 */
function speaksPlainKafka(broker: string, settings: KafkaSettings, timeoutMs = 2000): Promise<boolean> {
  const plain = settings.securityProtocol === 'SASL_SSL' ? 'SASL_PLAINTEXT' : 'PLAINTEXT';
  return kafkaAnswers([broker], timeoutMs, securityOptions({ ...settings, securityProtocol: plain }));
}
