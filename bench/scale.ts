/**
 * Throughput and CPU with 1, 2 and 4 publisher processes: drains a pre-filled outbox with one
 * capture worker and N publishers against a broker and redis-server of its own.
 *
 *   . scripts/env.sh && pnpm bench:scale [--events 50000]
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { startBenchInfra } from './lib/bench-infra.ts';
import { fillOutbox, startApp, stopApp, waitForEmptyOutbox } from './lib/pipeline-run.ts';
import { cpuMeter } from './lib/proc-stats.ts';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '50000' }, publishers: { type: 'string', default: '1,2,4' } },
});
const events = Number(values.events);
const counts = values.publishers.split(',').map(Number);

const infra = await startBenchInfra();
const rows: string[] = [];
try {
  for (const publishers of counts) {
    const id = randomBytes(3).toString('hex');
    const env = {
      OUTBOX_SQLITE_PATH: join(infra.dir, `scale-${id}.sqlite`),
      OUTBOX_CONNECTOR_NAME: `scale-${id}`,
      OUTBOX_TOPIC_TEMPLATE: `bench.scale.${id}.{aggregateType}`,
      KAFKA_BROKERS: infra.broker.brokers.join(','),
      REDIS_URL: infra.redis.url,
    };
    process.stderr.write(`${publishers} publisher(s): filling the outbox with ${events} events… `);
    fillOutbox(env.OUTBOX_SQLITE_PATH, events, 1000);
    const pubs = Array.from({ length: publishers }, (_, i) =>
      startApp('publisher-worker', { ...env, OUTBOX_PUBLISHER_NAME: `p${i}` }),
    );
    await sleep(3000); // publishers connected and waiting
    const startedAt = performance.now();
    const capture = startApp('capture-worker', env);
    const pids: Record<string, number> = { capture: capture.pid ?? 0, redis: infra.redis.pid, kafka: infra.broker.pid };
    for (const [i, p] of pubs.entries()) pids[`publisher ${i + 1}`] = p.pid ?? 0;
    const meter = cpuMeter(pids);
    meter.start();
    const seconds = await waitForEmptyOutbox(env.OUTBOX_SQLITE_PATH, startedAt);
    const cpu = meter.stop();
    const rate = Math.round(events / seconds);
    process.stderr.write(`drained in ${seconds.toFixed(2)} s\n`);
    const publisherCpu = Object.entries(cpu)
      .filter(([name]) => name.startsWith('publisher'))
      .map(([, v]) => `${v}%`)
      .join(' / ');
    rows.push(
      `| ${publishers} | ${seconds.toFixed(2)} | ${rate} | ${cpu.capture}% | ${publisherCpu} | ${cpu.redis}% | ${cpu.kafka}% |`,
    );
    await Promise.all([...pubs, capture].map(stopApp));
  }
} finally {
  await infra.stop();
}

console.log(`\nDrain of ${events} events (1,000 aggregates, 16 partitions); CPU as % of one core over the drain:\n`);
console.log('| publishers | seconds | events/s | capture CPU | publisher CPU (each) | Redis CPU | Kafka CPU |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
