import { describeMatrix } from '../harness/matrix-suite.ts';
import {
  brokerPause,
  brokerStop,
  captureKill,
  poisonMix,
  publisherKill,
  redisFlushall,
  redisRestart,
  redisRollback,
  writerKill,
} from '../scenarios/all-scenarios.ts';
import { publisherFreeze, withExactlyOnce } from '../scenarios/exactly-once-faults.ts';

// `pnpm test:chaos:exactly-once`: the faults that make at-least-once send events twice (or could),
// with exactly-once delivery: a read_committed reader must find every event once. The table puts
// beside it what a read_uncommitted reader finds, which includes the aborted transactions' records.
// 2,000 events a fault, about 2 minutes on 2 cores; every fault still lands mid-load.
describeMatrix({
  title: 'the chaos matrix with exactly-once delivery: nothing lost, nothing out of order, nothing read twice',
  scenarios: [
    captureKill(),
    publisherKill(),
    publisherFreeze(),
    brokerStop(),
    brokerPause(),
    redisFlushall(),
    redisRestart(),
    redisRollback(),
    writerKill(),
    poisonMix(),
  ].map((scenario) => withExactlyOnce(scenario)),
  size: { events: 2000, aggregates: 100, rate: 600 },
  resultsFile: 'latest-exactly-once.md',
});
