import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PipelineMetrics } from './pipeline-metrics.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rulesFile = join(root, 'infra/prometheus/outbox-alerts.yml');
const dashboardFile = join(root, 'infra/grafana/outbox-dashboard.json');
// Unpacked by scripts/install-promtool.sh, which `. scripts/env.sh` runs.
const promtool = join(root, '.tools/promtool/usr/bin/promtool');

function runPromtool(...args: string[]): string {
  const result = spawnSync(promtool, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`promtool could not run (run \`. scripts/env.sh\`): ${result.error.message}`);
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

/** Every metric name an expression mentions: identifiers followed by `{`, `[` or `)` that are ours. */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b((?:outbox|process)_[a-z_]+|up)\b/g)].map((m) =>
    (m[1] as string).replace(/_(bucket|sum|count)$/, ''),
  );
}

const exported = new Set((await new PipelineMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name).concat('up'));

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

describe('the alerting kit in infra/', () => {
  const rules = (parse(readFileSync(rulesFile, 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

  it('has alert rules promtool accepts, for halts, old events, dead letters and publishers down', () => {
    expect(runPromtool('check', 'rules', rulesFile)).toContain('SUCCESS: 7 rules found');
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'OutboxPartitionHalted',
        'OutboxOldestEventTooOld',
        'OutboxDeadLetters',
        'OutboxPublisherDown',
        'OutboxRedisDown',
      ]),
    );
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it('fires each alert when, and only when, its series say so (promtool test rules)', () => {
    expect(runPromtool('test', 'rules', join(root, 'infra/prometheus/outbox-alerts.test.yml'))).toContain('SUCCESS');
  });

  it('uses only metrics the workers export, in the rules and in the Grafana dashboard', () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
      uid: string;
      panels: { id: number; title: string; targets: { expr: string }[] }[];
    };
    const exprs = [...rules.map((r) => r.expr), ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr))];
    for (const expr of exprs) for (const name of metricNames(expr)) expect(exported, `${name} in ${expr}`).toContain(name);
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length);
    for (const panel of dashboard.panels) expect(panel.targets.length, panel.title).toBeGreaterThan(0);
  });

  it('has a dashboard whose every query is valid PromQL (checked by promtool as recording rules)', () => {
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { panels: { targets: { expr: string }[] }[] };
    // Grafana's variables, replaced by what they expand to.
    const exprs = dashboard.panels
      .flatMap((p) => p.targets.map((t) => t.expr))
      .map((expr) => expr.replaceAll('$connector', '.+').replaceAll('$__rate_interval', '1m'));
    const recording = ['groups:', '  - name: dashboard', '    rules:'];
    for (const [i, expr] of exprs.entries())
      recording.push(`      - record: dashboard:query${i}`, `        expr: ${JSON.stringify(expr)}`);
    const file = join(mkdtempSync(join(tmpdir(), 'outbox-kit-')), 'dashboard-queries.yml');
    writeFileSync(file, `${recording.join('\n')}\n`);
    expect(runPromtool('check', 'rules', file)).toContain(`SUCCESS: ${exprs.length} rules found`);
  });
});
