import { freePort } from '@outbox/infra';
import { GenericContainer, type StartedTestContainer, Wait } from 'testcontainers';

/** Every container the test kit starts carries it, so a run that died can be cleaned up by label. */
export const testContainerLabel = 'dev.outbox-relay.test';

/**
 * A container whose published ports are bound to the host's loopback only (testcontainers binds
 * every interface): test traffic never leaves the machine, and nothing else can reach it.
 */
class LoopbackContainer extends GenericContainer {
  override async start(): Promise<StartedTestContainer> {
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const binding of bindings) binding.HostIp = '127.0.0.1';
    }
    return super.start();
  }
}

export interface ContainerService {
  container: StartedTestContainer;
  stop(): Promise<void>;
}

export interface KafkaContainer extends ContainerService {
  brokers: string[];
}

export interface RedisContainer extends ContainerService {
  url: string;
}

async function stopAndRemove(container: StartedTestContainer): Promise<void> {
  // Removes the container and its anonymous volumes: nothing of a run is left behind.
  await container.stop({ timeout: 5_000, remove: true, removeVolumes: true });
}

/**
 * A single-node KRaft broker from `image` (the official apache/kafka, or infra/docker/kafka.Dockerfile's,
 * configured the same way). Its client port is published on a free loopback port chosen here,
 * because the broker must advertise the address clients reach it at.
 */
export async function startKafkaContainer(image: string): Promise<KafkaContainer> {
  const port = await freePort();
  const container = await new LoopbackContainer(image)
    .withLabels({ [testContainerLabel]: 'kafka' })
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withStartupTimeout(120_000)
    .start();
  return { container, brokers: [`127.0.0.1:${port}`], stop: () => stopAndRemove(container) };
}

/** redis-server from `image` (the official redis, or infra/docker/redis.Dockerfile's), on a loopback port Docker picks. */
export async function startRedisContainer(image: string): Promise<RedisContainer> {
  const container = await new LoopbackContainer(image)
    .withLabels({ [testContainerLabel]: 'redis' })
    .withExposedPorts(6379)
    .withCommand([
      'redis-server',
      '--protected-mode',
      'no',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ])
    .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/))
    .withStartupTimeout(60_000)
    .start();
  return { container, url: `redis://127.0.0.1:${container.getMappedPort(6379)}`, stop: () => stopAndRemove(container) };
}
