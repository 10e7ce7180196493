import type { AppProcess, ChaosRow, DeliveryAudit, TestEnvironment } from '@outbox/testkit';
import type { ChaosInfra, ChaosRedis } from './chaos-infra.ts';
import type { Fleet } from './fleet.ts';

/** How much traffic a run writes: `events` over `aggregates` users at `rate` events/s. */
export interface ChaosSize {
  events: number;
  aggregates: number;
  rate: number;
}

/** One fault, injected into a running pipeline under load. */
export interface ChaosScenario {
  /** The fault, as the table names it. */
  fault: string;
  /** Services of its own the fault needs, because it stops, freezes or flushes them. */
  needs?: { broker?: boolean; kafkaCluster?: boolean; redis?: boolean };
  /** Publisher processes. @defaultValue 2 */
  publishers?: number;
  /** Pipeline settings for this run (checked by the config loader like any other). */
  env?: Record<string, string>;
  /** Starts what the scenario needs before the apps start; returns settings for the apps only. */
  prepare?(infra: ChaosInfra): Promise<Record<string, string>>;
  /** Injects the fault during the load; resolves with the time (ms) the fault ended. */
  inject(run: ChaosRun): Promise<number>;
  /** What else must be true, besides an empty outbox, to count as recovered. */
  recovered?(): boolean;
  /** Checks of its own on top of nothing lost and nothing out of order (vitest `expect`). */
  check?(outcome: ChaosOutcome): void;
  cleanup?(): Promise<void>;
}

/** The running pipeline, as a fault sees it. */
export interface ChaosRun {
  /** What every app of this run gets. */
  env: Record<string, string>;
  config: TestEnvironment['config'];
  topic: string;
  dlqTopic: string;
  size: ChaosSize;
  fleet: Fleet;
  infra: ChaosInfra;
  /** The run's own Redis, when the scenario needs one. */
  redis: ChaosRedis | undefined;
  /** Events committed so far. */
  committed(): number;
  /** Resolves once this share of the planned events is committed, or the writer ended. */
  untilWritten(share: number): Promise<void>;
  /** `count` random shares of the load, in order: the moments to strike. */
  randomMoments(count: number): number[];
  /** Resolves at one random moment of the load (see randomMoments): where a single fault strikes. */
  untilRandomMoment(): Promise<void>;
  /** Whether the current writer is still writing. */
  writing(): boolean;
  writer(): AppProcess;
  /** Starts another writer with this many events (after the last one was killed). */
  startWriter(events: number): void;
  log(line: string): void;
}

export interface ChaosOutcome {
  row: ChaosRow;
  /** Why the pipeline did not recover, if it did not. */
  failure: string | undefined;
  /** Committed event ids neither in Kafka nor still in the outbox. */
  lost: string[];
  /** Outbox ids still in the outbox at the end: none once the pipeline recovered. */
  waiting: number[];
  /** Every event id committed during the run, in commit order (from the audit trigger). */
  committedIds: string[];
  /** The event ids the writers reported in their ids files. */
  reportedIds: string[];
  delivery: DeliveryAudit;
  fleetOutput(role: 'capture' | 'publisher' | 'writer'): string;
  run: ChaosRun;
}
