export { ensureKafkaInstalled, kafkaVersion, kafkaHome } from './kafka-install.ts';
export { startKafkaBroker, type KafkaBroker, type StartKafkaOptions } from './kafka-broker.ts';
export { startRedisServer, pingRedis, type RedisServer, type StartRedisOptions } from './redis-server.ts';
export { freePort, isPortFree } from './ports.ts';
export { stopProcess, isAlive } from './processes.ts';
export { infraUp, infraDown, infraStatus, readInfraState, type InfraState } from './local-infra.ts';
export { projectRoot } from './paths.ts';
