export { type KafkaBroker, type SecuredKafkaBroker, type StartKafkaOptions, startKafkaBroker } from './kafka-broker.ts';
export {
  type KafkaCluster,
  type KafkaClusterNode,
  type PartitionState,
  type StartKafkaClusterOptions,
  startKafkaCluster,
} from './kafka-cluster.ts';
export { ensureKafkaInstalled, kafkaHome, kafkaVersion } from './kafka-install.ts';
export type { CertificateFiles, ExtraTlsListener, KafkaSecurityOptions, KafkaUser } from './kafka-security.ts';
export { createKafkaTestCertificates, type KafkaTestCertificates, testBrokerSecurity } from './kafka-test-certificates.ts';
export { type InfraState, infraDown, infraStatus, infraUp, readInfraState } from './local-infra.ts';
export { projectRoot } from './paths.ts';
export { freePort, isPortFree } from './ports.ts';
export { isAlive, stopProcess } from './processes.ts';
export { type RedisSentinelSet, type StartSentinelOptions, startRedisSentinels } from './redis-sentinel.ts';
export { pingRedis, type RedisServer, type RedisTlsOptions, type StartRedisOptions, startRedisServer } from './redis-server.ts';
export {
  type CertificateAuthority,
  createCertificateAuthority,
  type IssueCertificateOptions,
  type IssuedCertificate,
  issueCertificate,
} from './tls-certs.ts';
