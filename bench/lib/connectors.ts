import { setTimeout as sleep } from 'node:timers/promises';
import { connectorClass, connectorKeys, envKeys } from '@outbox/config';

/** A connector to create through the capture worker's REST API: its name and Kafka Connect config map. */
export interface ConnectorRequest {
  name: string;
  settings: Record<string, string>;
}

/**
 * The connector settings an app environment gives its own connector, as a REST config map, with
 * `overrides` on top: a connector created with them differs from the worker's own only where
 * told (its database and table, say), BENCH_APP_ENV settings included.
 */
export function connectorSettingsFromEnv(env: Record<string, string>, overrides: Record<string, string>): Record<string, string> {
  const paths: Record<string, string | null> = envKeys;
  const settings: Record<string, string> = { 'connector.class': connectorClass };
  for (const [key, value] of Object.entries(env)) {
    const path = paths[key];
    if (path && connectorKeys.includes(path)) settings[path] = value;
  }
  return { ...settings, ...overrides };
}

/**
 * Creates connectors through the REST API at `apiUrl` (`POST /connectors`), once it answers: the
 * capture worker serves it only after its own connector has started.
 */
export async function createConnectors(apiUrl: string, connectors: ConnectorRequest[], timeoutMs = 120_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await answers(`${apiUrl}/connectors`))) {
    if (performance.now() > deadline) throw new Error(`the REST API at ${apiUrl} did not answer in time`);
    await sleep(200);
  }
  for (const { name, settings } of connectors) {
    const response = await fetch(`${apiUrl}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, config: settings }),
    });
    if (response.status !== 201) {
      throw new Error(`creating connector ${name}: HTTP ${response.status} ${await response.text()}`);
    }
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}
