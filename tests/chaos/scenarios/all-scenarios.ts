import type { ChaosScenario } from '../harness/chaos-scenario.ts';
import { brokerPause, brokerStop } from './broker-faults.ts';
import { databaseRestore } from './database-restore.ts';
import { kafkaBelowMinIsr, kafkaLeaderKill } from './kafka-cluster-faults.ts';
import { oddRows } from './odd-rows.ts';
import { poisonMix } from './poison-mix.ts';
import { captureKill, publisherKill, writerKill } from './process-kills.ts';
import { redisFlushall, redisRestart, redisRollback } from './redis-faults.ts';
import { sentinelFailover } from './redis-sentinel-faults.ts';
import { webhookDown } from './webhook-down.ts';

/** The full matrix, one scenario per fault, in the order the table lists them. */
export function chaosMatrix(): ChaosScenario[] {
  return [
    captureKill(),
    publisherKill(),
    brokerStop(),
    brokerPause(),
    kafkaLeaderKill(),
    kafkaBelowMinIsr(),
    redisFlushall(),
    redisRestart(),
    redisRollback(),
    sentinelFailover(),
    writerKill(),
    poisonMix(),
    oddRows(),
    databaseRestore(),
    webhookDown(),
  ];
}

export {
  brokerPause,
  brokerStop,
  captureKill,
  databaseRestore,
  kafkaBelowMinIsr,
  kafkaLeaderKill,
  oddRows,
  poisonMix,
  publisherKill,
  redisFlushall,
  redisRestart,
  redisRollback,
  sentinelFailover,
  webhookDown,
  writerKill,
};
