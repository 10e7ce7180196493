import type { VerifyReport } from './verify-events.ts';

const sample = (ids: readonly string[]) => (ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, …` : ids.join(', '));

export interface FormatReportOptions {
  /** The isolation the topics were read with, named on the first line. @defaultValue 'read_committed' */
  isolation?: 'read_committed' | 'read_uncommitted';
  /** Aggregates with problems to list. @defaultValue 20 */
  limit?: number;
}

const readWith = {
  read_committed: 'read_committed: aborted transactions left out',
  read_uncommitted: 'read_uncommitted: aborted transactions included',
};

/** The report for people: a summary, then the aggregates with problems (at most `limit`). */
export function formatReport(
  report: VerifyReport,
  { isolation = 'read_committed', limit = 20 }: FormatReportOptions = {},
): string {
  const lines = [
    `records read:     ${report.records} (${readWith[isolation]})`,
    `unique events:    ${report.uniqueEvents} over ${report.aggregates} aggregates`,
    `duplicates:       ${report.duplicates}`,
    `out of order:     ${report.outOfOrder}`,
    `dead-lettered:    ${report.deadLettered.length}${report.deadLettered.length ? ` (${sample(report.deadLettered)})` : ''}`,
    report.checkedLoss
      ? `lost:             ${report.lost.length}${report.lost.length ? ` (${sample(report.lost)})` : ''}`
      : 'lost:             not checked (pass --ids-file with the committed event ids)',
  ];
  for (const problem of report.problems.slice(0, limit)) {
    const order = problem.outOfOrder
      .map((o) => `${o.eventId} (outbox id ${o.outboxId}) after ${o.afterEventId} (outbox id ${o.after})`)
      .join(', ');
    lines.push(
      `  aggregate ${problem.aggregateId}: ${problem.events} events, ${problem.duplicates} duplicates${order ? `, out of order: ${order}` : ''}`,
    );
  }
  if (report.problems.length > limit) lines.push(`  … and ${report.problems.length - limit} more aggregates`);
  const ok = report.outOfOrder === 0 && report.lost.length === 0;
  lines.push(ok ? 'OK: nothing lost, nothing out of order' : 'FAILED: events were lost or out of order');
  return lines.join('\n');
}
