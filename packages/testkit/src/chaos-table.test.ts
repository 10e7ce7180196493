import { describe, expect, it } from 'vitest';
import { type ChaosRow, formatChaosReport, formatChaosTable } from './chaos-table.ts';

const clean: ChaosRow = {
  fault: 'capture SIGKILL ×2',
  written: 3000,
  delivered: 3000,
  deadLettered: 0,
  lost: 0,
  outOfOrder: 0,
  duplicates: 12,
  recoveryMs: 2345,
};

describe('the chaos summary table', () => {
  it('is a Markdown table with one row per fault, numbers right-aligned', () => {
    const poison = {
      ...clean,
      fault: 'poison mix',
      written: 12_012,
      delivered: 12_000,
      deadLettered: 12,
      duplicates: 0,
      recoveryMs: 980,
    };
    expect(formatChaosTable([clean, poison]).split('\n')).toEqual([
      '| fault              | events written | delivered | dead-lettered | lost | out of order | duplicates | recovery time |',
      '| ------------------ | -------------: | --------: | ------------: | ---: | -----------: | ---------: | ------------: |',
      '| capture SIGKILL ×2 |          3,000 |     3,000 |             0 |    0 |            0 |         12 |         2.3 s |',
      '| poison mix         |         12,012 |    12,000 |            12 |    0 |            0 |          0 |         1.0 s |',
    ]);
  });

  it('shows the duplicates of both isolation levels side by side for an exactly-once run', () => {
    const lines = formatChaosTable([{ ...clean, duplicates: 0, duplicatesReadUncommitted: 37 }]).split('\n');
    expect(lines[0]).toContain('| duplicates (read_committed) | duplicates (read_uncommitted) | recovery time |');
    expect(lines[2]).toMatch(/\| +0 \| +37 \| +2\.3 s \|$/);
  });

  it('says when and on how many CPUs it ran, and whether any fault lost or reordered events', () => {
    const run = { date: new Date('2026-12-01T10:20:30Z'), cpus: 2, node: '24.21.0' };
    expect(formatChaosReport([clean], run)).toMatch(
      /^Chaos run 2026-12-01 10:20 UTC on 2 CPUs, Node 24\.21\.0: every fault: nothing lost, nothing out of order\.\n\n\| fault/,
    );
    const failing = formatChaosReport([clean, { ...clean, lost: 1 }, { ...clean, recoveryMs: undefined }], run);
    expect(failing).toContain('2 fault(s) lost events, reordered them or did not recover');
    expect(failing).toMatch(/\| +not recovered \|$/m);
  });
});
