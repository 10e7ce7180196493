import type { PipelineStatus } from './pipeline-status.ts';

const ago = (iso: string, now: number) => `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s ago`;

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** `outbox status` for people: the outbox, each partition's owner and backlog, and the publishers. */
export function formatStatus(connector: string, status: PipelineStatus, now = Date.now()): string {
  const lines: string[] = [];
  const capture = status.capture;
  lines.push(
    capture
      ? `connector ${connector}: outbox depth ${capture.depth}` +
          (capture.oldestOccurredAt ? `, oldest event ${ago(capture.oldestOccurredAt, now)}` : '') +
          ` (capture worker reported ${ago(capture.updatedAt, now)})`
      : `connector ${connector}: no capture worker has reported yet`,
  );
  lines.push('');
  lines.push(
    ...table([
      ['partition', 'state', 'owner', 'active', 'waiting jobs', 'in flight'],
      ...status.partitions.map((p) => [
        String(p.partition),
        p.halted ? `HALTED: ${p.halted.reason}` : p.active > 0 ? 'publishing' : p.waiting > 0 ? 'waiting' : 'idle',
        p.owner ?? '-',
        String(p.active),
        String(p.waiting),
        p.inFlight === null ? '?' : String(p.inFlight),
      ]),
    ]),
  );
  lines.push('');
  if (status.publishers.length === 0) lines.push('publishers: none has published yet');
  else {
    lines.push(
      ...table([
        ['publisher', 'jobs', 'events', 'last published'],
        ...status.publishers.map((p) => [p.name, String(p.jobs), String(p.events), ago(p.lastSeen, now)]),
      ]),
    );
  }
  return lines.join('\n');
}
