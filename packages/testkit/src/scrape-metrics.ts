/**
 * One Prometheus scrape as `name{labels}` → value, e.g. `outbox_published_events_total{connector="x"}`.
 * Enough of the text format for tests: comments skipped, one sample per line.
 */
export async function scrapeMetrics(baseUrl: string): Promise<Map<string, number>> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics → ${response.status}`);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

/** The value of a metric whose sample key starts with `prefix` (its name and labels up to there), summed. */
export function metricValue(samples: Map<string, number>, prefix: string): number {
  let sum = 0;
  let found = false;
  for (const [key, value] of samples) {
    if (key === prefix || key.startsWith(`${prefix}{`) || (prefix.endsWith(',') && key.startsWith(prefix))) {
      sum += value;
      found = true;
    }
  }
  if (!found) throw new Error(`no metric ${prefix} in the scrape`);
  return sum;
}
