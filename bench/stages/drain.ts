import { type BenchContext, freshPipeline, median } from '../lib/bench-context.ts';
import type { AppVariant } from '../lib/bench-infra.ts';
import { type DrainPipeline, type DrainRun, drainOnce } from '../lib/drain-run.ts';

export interface DrainResult {
  /**
   * How this drain differs from the plain one (e.g. `SASL_SSL, SCRAM-SHA-512`, `3 connectors (…)`
   * or `exactly-once delivery`); absent for the plain drain: one connector, over PLAINTEXT,
   * at-least-once.
   */
  over?: string;
  events: number;
  runs: DrainRun[];
  medianEventsPerSecond: number;
}

/** One way to run the drain: what the report calls it, and a fresh pipeline for each run. */
export interface DrainVariant {
  /** Absent for the plain drain. */
  label?: string;
  /** A short name for progress lines and database files. */
  name: string;
  pipeline(context: BenchContext): Promise<DrainPipeline>;
}

/** The plain drain: the worker's own connector, one outbox, over PLAINTEXT, at-least-once. */
export const plainDrain: DrainVariant = { name: 'drain', pipeline: async (context) => singleConnector(context, 'drain') };

/**
 * The drain with the capture worker and the publisher run with other settings (SASL_SSL, say,
 * another Kafka client, or exactly-once delivery); the benchmark's own reads stay on PLAINTEXT,
 * so only the pipeline pays for them.
 */
export function drainOver(over: AppVariant, name: string): DrainVariant {
  return {
    label: over.label,
    name,
    pipeline: async (context) => {
      const single = singleConnector(context, name);
      return { ...single, env: { ...single.env, ...over.env } };
    },
  };
}

function singleConnector(context: BenchContext, name: string): DrainPipeline {
  const { env, dbPath, topic } = freshPipeline(context, name);
  return { env, outboxes: [{ dbPath, table: 'users_outbox', topic }] };
}

/**
 * Drains of the same size, one per variant, run by turns and in alternating order (a, b, c, then
 * c, b, a, …), so that a machine slowing down during the run, or a run that goes faster for coming
 * first or last, weighs on all alike. Returns one result per variant, in the order given.
 */
export async function drainByTurns(context: BenchContext, variants: DrainVariant[]): Promise<DrainResult[]> {
  const events = context.quick ? 20_000 : 200_000;
  const runs: DrainRun[][] = variants.map(() => []);
  for (let run = 1; run <= (context.runs ?? (context.quick ? 1 : 3)); run++) {
    const order = [...variants.keys()];
    if (run % 2 === 0) order.reverse();
    for (const v of order) {
      const variant = variants[v] as DrainVariant;
      const name = `${variant.name} run ${run}${variant.label ? ` (${variant.label})` : ''}`;
      runs[v]?.push(await drainOnce(context, await variant.pipeline(context), events, name));
    }
  }
  return variants.map((variant, v) => ({
    ...(variant.label && { over: variant.label }),
    events,
    runs: runs[v] ?? [],
    medianEventsPerSecond: median((runs[v] ?? []).map((r) => r.eventsPerSecond)),
  }));
}
