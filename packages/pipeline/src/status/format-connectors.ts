import { table } from './format-status.ts';
import type { ConnectorStatus } from './pipeline-status.ts';

/** One connector of a worker: its status, or why it could not be read. */
export type ConnectorSummary = { name: string; status: ConnectorStatus } | { name: string; error: string };

const ageOf = (iso: string | null, now: number) => (iso ? `${Math.max(0, Math.round((now - Date.parse(iso)) / 1000))} s` : '-');

/**
 * `outbox connectors list`, and the head of `outbox status` when a worker runs several connectors:
 * one line per connector. A connector whose status could not be read shows `?` and, under the
 * table, why.
 */
export function formatConnectors(connectors: readonly ConnectorSummary[], now = Date.now()): string {
  if (connectors.length === 0) return 'no connectors';
  const rows = connectors.map((c) => {
    if (!('status' in c)) return [c.name, '?', '?', '?', '?', '?', '?', '?'];
    const { status } = c;
    const halted = status.tasks.filter((t) => t.halted).length;
    return [
      c.name,
      status.connector.state,
      String(status.tasks.length),
      String(halted),
      status.outbox ? String(status.outbox.pending) : '?',
      status.outbox ? ageOf(status.outbox.oldestOccurredAt, now) : '?',
      String(status.published),
      String(status.publishers.filter((p) => p.live).length),
    ];
  });
  const lines = table([
    ['connector', 'state', 'tasks', 'halted', 'in outbox', 'oldest', 'published', 'live publishers'],
    ...rows,
  ]);
  const failures = connectors.flatMap((c) => ('error' in c ? [`${c.name}: ${c.error}`] : []));
  return [...lines, ...(failures.length > 0 ? ['', ...failures] : [])].join('\n');
}
