import { expect } from 'vitest';
import type { ChaosOutcome, ChaosScenario } from './chaos-scenario.ts';

/**
 * What every fault must leave behind: the pipeline recovered by itself, nothing committed is
 * missing from Kafka, nothing is out of order, every committed event is either in its topic or a
 * dead letter, and nothing arrived that was never committed.
 */
export function expectRecovered(scenario: ChaosScenario, outcome: ChaosOutcome): void {
  const { row, failure, committedIds, reportedIds, delivery } = outcome;
  expect(outcome.lost, 'lost events').toEqual([]);
  expect(failure, 'the pipeline recovered').toBeUndefined();
  expect(delivery.report.lost, 'events not in Kafka').toEqual([]);
  expect(delivery.report.outOfOrder, 'events out of order').toBe(0);
  expect(row.written).toBeGreaterThan(0);
  expect(row.delivered + row.deadLettered).toBe(row.written);
  const committed = new Set(committedIds);
  expect(
    reportedIds.filter((id) => !committed.has(id)),
    'ids the writer reported but never committed',
  ).toEqual([]);
  const kafkaIds = [...delivery.events, ...delivery.deadLetters].map((record) => record.headers.id ?? '');
  expect(
    kafkaIds.filter((id) => !committed.has(id)),
    'events in Kafka that were never committed',
  ).toEqual([]);
  scenario.check?.(outcome);
}
