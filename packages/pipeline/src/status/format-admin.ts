import type { DeadLetter } from '../admin/parse-dead-letter.ts';
import type { PartitionOffset } from '../capture/capture-worker-options.ts';
import { table } from './format-status.ts';

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `outbox dlq list` for people: one dead letter a line, with its error and whether it was replayed. */
export function formatDeadLetters(list: { total: number; deadLetters: DeadLetter[] }): string {
  if (list.total === 0) return 'no dead letters';
  const rows = list.deadLetters.map((d) => [
    d.eventId,
    String(d.outboxId),
    d.aggregateId,
    d.eventType,
    clip(`${d.errorClass}: ${d.errorMessage}`, 70),
    String(d.attempts),
    d.lastFailure,
    d.valueDropped ? `dropped (${d.valueSize} B, kept in SQLite)` : `${d.valueSize} B`,
    d.replayed ? `replayed ${d.replayed.at}` : '-',
  ]);
  const shown = list.deadLetters.length < list.total ? ` (the last ${list.deadLetters.length} shown)` : '';
  return [
    `${list.total} dead letters${shown}`,
    '',
    ...table([['event id', 'outbox id', 'aggregate', 'type', 'error', 'attempts', 'last failure', 'value', 'replay'], ...rows]),
  ].join('\n');
}

/** `outbox offsets` for people: each partition's cursor, rows in flight and oldest row in the outbox. */
export function formatOffsets(offsets: readonly PartitionOffset[]): string {
  return table([
    ['partition', 'offset', 'in flight', 'oldest in outbox'],
    ...offsets.map((o) => [
      String(o.partition),
      String(o.offset),
      String(o.inFlight),
      o.oldestOutboxId === null ? '-' : String(o.oldestOutboxId),
    ]),
  ]).join('\n');
}
