/**
 * Only the scale-out stage of the suite: drain throughput and per-process CPU with 1, 2 and 4
 * publisher processes.
 *
 *   . scripts/env.sh && pnpm bench:scale [--events 50000] [--publishers 1,2,4]
 */
import { parseArgs } from 'node:util';
import { defaultPartitions } from '@outbox/config';
import { createKafkaClient } from './lib/bench-context.ts';
import { startBenchInfra } from './lib/bench-infra.ts';
import { appSettings } from './lib/pipeline-run.ts';
import { scale } from './stages/scale.ts';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '50000' }, publishers: { type: 'string', default: '1,2,4' } },
});
const infra = await startBenchInfra();
try {
  const context = {
    infra,
    kafka: createKafkaClient(infra),
    quick: false,
    progress: (line: string) => process.stderr.write(`${line}\n`),
  };
  const rows = await scale(context, values.publishers.split(',').map(Number), Number(values.events));
  const partitions = appSettings().OUTBOX_PARTITIONS ?? defaultPartitions;
  console.log(
    `\nDrain of ${values.events} events (1,000 aggregates, ${partitions} partitions); CPU as % of one core over the drain:\n`,
  );
  console.log('| publishers | seconds | events/s | capture CPU | publisher CPU (each) | Redis CPU | Kafka CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const pubs = Object.entries(row.cpu)
      .filter(([name]) => name.startsWith('publisher'))
      .map(([, v]) => `${v}%`)
      .join(' / ');
    console.log(
      `| ${row.publishers} | ${row.seconds.toFixed(2)} | ${row.eventsPerSecond} | ${row.cpu.capture}% | ${pubs} | ${row.cpu.redis}% | ${row.cpu.kafka}% |`,
    );
  }
} finally {
  await infra.stop();
}
