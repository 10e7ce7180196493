import type { ConnectorStatus } from './pipeline-status.ts';

const ago = (iso: string, now: number) => `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s ago`;

/** Rows as left-aligned columns two spaces apart. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}

/** `outbox status` for people: the outbox, each partition's state, owner and backlog, and the publishers. */
export function formatStatus(status: ConnectorStatus, now = Date.now()): string {
  const lines: string[] = [];
  const outbox = status.outbox;
  const exactlyOnce = status.delivery === 'exactly-once';
  lines.push(
    `connector ${status.name}: ${status.connector.state}, ${status.delivery ?? 'at-least-once'}, ` +
      (outbox
        ? `${outbox.pending} events in the outbox` +
          (outbox.oldestOccurredAt ? `, oldest ${ago(outbox.oldestOccurredAt, now)}` : '') +
          `, ${status.published} published (capture worker reported ${ago(outbox.updatedAt, now)})`
        : 'no capture worker has reported yet'),
  );
  lines.push('');
  lines.push(
    ...table([
      ['partition', 'state', 'owner', 'active', 'waiting jobs', 'in flight', ...(exactlyOnce ? ['committed up to id'] : [])],
      ...status.tasks.map((t) => [
        String(t.id),
        t.halted ? `HALTED: ${t.halted.reason}` : t.state,
        t.worker_id ?? '-',
        String(t.active),
        String(t.waiting),
        t.inFlight === null ? '?' : String(t.inFlight),
        ...(exactlyOnce ? [t.committedPosition ? String(t.committedPosition.outboxId) : '-'] : []),
      ]),
    ]),
  );
  lines.push('');
  if (status.publishers.length === 0) lines.push('publishers: none yet');
  else {
    lines.push(
      ...table([
        ['publisher', 'live', 'jobs', 'events', 'last published'],
        ...status.publishers.map((p) => [
          p.name,
          p.live ? 'yes' : 'no',
          String(p.jobs),
          String(p.events),
          p.lastSeen ? ago(p.lastSeen, now) : '-',
        ]),
      ]),
    );
  }
  return lines.join('\n');
}
