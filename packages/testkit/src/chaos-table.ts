/** One line of the chaos suite's summary: a fault and what the pipeline made of it. */
export interface ChaosRow {
  fault: string;
  /** Events committed to the outbox during the run (the audit table's count). */
  written: number;
  /** Distinct events found in their topic. */
  delivered: number;
  deadLettered: number;
  lost: number;
  outOfOrder: number;
  duplicates: number;
  /**
   * Exactly-once runs: the duplicates a read_uncommitted consumer would see (the records of aborted
   * transactions among them); `duplicates` is then what read_committed sees.
   */
  duplicatesReadUncommitted?: number;
  /** From the end of the fault until the outbox was empty and everything delivered; undefined: it never was. */
  recoveryMs: number | undefined;
}

const defaultColumns: { title: string; right: boolean; cell: (row: ChaosRow) => string }[] = [
  { title: 'fault', right: false, cell: (row) => row.fault },
  { title: 'events written', right: true, cell: (row) => count(row.written) },
  { title: 'delivered', right: true, cell: (row) => count(row.delivered) },
  { title: 'dead-lettered', right: true, cell: (row) => count(row.deadLettered) },
  { title: 'lost', right: true, cell: (row) => count(row.lost) },
  { title: 'out of order', right: true, cell: (row) => count(row.outOfOrder) },
  { title: 'duplicates', right: true, cell: (row) => count(row.duplicates) },
  { title: 'recovery time', right: true, cell: (row) => recovery(row.recoveryMs) },
];

/** Exactly-once runs show the duplicates of both isolation levels side by side. */
const isolationColumns: typeof defaultColumns = [
  { title: 'duplicates (read_committed)', right: true, cell: (row) => count(row.duplicates) },
  { title: 'duplicates (read_uncommitted)', right: true, cell: (row) => count(row.duplicatesReadUncommitted ?? 0) },
];

/** The rows as a Markdown table, padded so it also reads well on a console. */
export function formatChaosTable(rows: readonly ChaosRow[]): string {
  const columns = rows.some((row) => row.duplicatesReadUncommitted !== undefined)
    ? defaultColumns.flatMap((c) => (c.title === 'duplicates' ? isolationColumns : [c]))
    : defaultColumns;
  const cells = [columns.map((c) => c.title), ...rows.map((row) => columns.map((c) => c.cell(row)))];
  const widths = columns.map((_, i) => Math.max(3, ...cells.map((line) => (line[i] ?? '').length)));
  const pad = (text: string, i: number) => (columns[i]?.right ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0));
  const line = (values: readonly string[]) => `| ${values.map(pad).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (columns[i]?.right ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  const [header = [], ...body] = cells;
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The table with when and where it ran, as `tests/chaos/results/latest.md` holds it. */
export function formatChaosReport(rows: readonly ChaosRow[], run: { date: Date; cpus: number; node: string }): string {
  const when = run.date.toISOString().replace('T', ' ').slice(0, 16);
  const failed = rows.filter((row) => row.lost > 0 || row.outOfOrder > 0 || row.recoveryMs === undefined).length;
  const verdict =
    failed === 0
      ? 'every fault: nothing lost, nothing out of order'
      : `${failed} fault(s) lost events, reordered them or did not recover`;
  return `Chaos run ${when} UTC on ${run.cpus} CPUs, Node ${run.node}: ${verdict}.\n\n${formatChaosTable(rows)}\n`;
}

function recovery(ms: number | undefined): string {
  return ms === undefined ? 'not recovered' : `${(ms / 1000).toFixed(1)} s`;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}
