import type { DrainResult } from '../stages/drain.ts';
import type { KafkaCeiling } from '../stages/kafka-ceiling.ts';
import type { KafkajsCeiling } from '../stages/kafkajs-ceiling.ts';
import type { MemoryResult } from '../stages/memory.ts';
import type { NaiveRelay } from '../stages/naive-relay.ts';
import type { PlatformaticCeiling } from '../stages/platformatic-ceiling.ts';
import type { ScaleRow } from '../stages/scale.ts';
import type { SteadyResult } from '../stages/steady.ts';

/** Everything one `pnpm bench` run measured, as written to bench/results/<date>.json. */
export interface BenchResults {
  date: string;
  quick: boolean;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    /** The 1, 5 and 15-minute load averages as the run started and ended: how much else ran. */
    loadAverage?: { start: number[]; end: number[] };
  };
  versions: { node: string; kafka: string; redis: string };
  kafkaCeiling?: KafkaCeiling;
  kafkajsCeiling?: KafkajsCeiling;
  /** The same loop over @platformatic/kafka (`--only platformatic`). */
  platformaticCeiling?: PlatformaticCeiling;
  naive?: NaiveRelay;
  drain?: DrainResult;
  /** The same drain with the apps on the broker's SASL_SSL listener (`--only drain,drain-tls`). */
  drainTls?: DrainResult;
  /** The same drain with KAFKA_CLIENT=platformatic, by turns with `drain` (`--only drain-platformatic`). */
  drainPlatformatic?: DrainResult;
  /** The same number of events over three connectors, by turns with `drain` (`--only drain,connectors-3`). */
  drainConnectors?: DrainResult;
  /** The same drain with OUTBOX_DELIVERY=exactly-once, by turns with `drain` (`--only drain,drain-exactly-once`). */
  drainExactlyOnce?: DrainResult;
  steady?: SteadyResult;
  /** The same at 1,000 events/s with OUTBOX_DELIVERY=exactly-once (`--only steady,steady-exactly-once`). */
  steadyExactlyOnce?: SteadyResult;
  /** The same at 10,000 events/s (`--only steady-10k`). */
  steady10k?: SteadyResult;
  scale?: ScaleRow[];
  memory?: MemoryResult;
  targets: { name: string; result: string; reached: boolean }[];
}

/** The drains run by turns beside the plain one and judged against it. */
export type DrainBeside = 'drainTls' | 'drainPlatformatic' | 'drainConnectors' | 'drainExactlyOnce';
