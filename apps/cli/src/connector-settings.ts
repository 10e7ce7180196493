import { readFileSync } from 'node:fs';

/** A connector config map as the REST API takes it (Kafka Connect's: values as text, numbers or booleans). */
export type SettingsMap = Record<string, unknown>;

/** `--config <file>` and `--set key=value…` of the `connectors` commands. */
export interface SettingsFlags {
  config?: string;
  set?: string[];
}

/** What was wrong with the command line; the command says it and exits 2, having sent nothing. */
export class SettingsInputError extends Error {}

/**
 * The config map `--config` and `--set` give: the file (a JSON map of keys to values, or Kafka
 * Connect's `{ "name": …, "config": { … } }`; `-` reads standard input) with each `--set` over it.
 * `name` is the connector's name the file gives, if any. Nothing is checked here beyond the
 * syntax: the REST API checks the config and names every bad key.
 */
export function readSettings(
  flags: SettingsFlags,
  readFile: (path: string) => string = (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
): { name?: string; settings: SettingsMap } {
  if (flags.config === undefined && (flags.set ?? []).length === 0) {
    throw new SettingsInputError('give the config: --config <file.json> or --set key=value …');
  }
  let name: string | undefined;
  let settings: SettingsMap = {};
  if (flags.config !== undefined) {
    ({ name, settings } = parseConfigFile(flags.config, readFile));
  }
  for (const pair of flags.set ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new SettingsInputError(`--set ${pair}: expected key=value, e.g. --set outbox.table=orders_outbox`);
    settings[pair.slice(0, at).trim()] = pair.slice(at + 1);
  }
  return { name, settings };
}

function parseConfigFile(path: string, readFile: (path: string) => string): { name?: string; settings: SettingsMap } {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new SettingsInputError(`cannot read --config ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsInputError(`--config ${path} is not JSON: ${(error as Error).message}`);
  }
  if (!isMap(json)) throw new SettingsInputError(`--config ${path}: expected a JSON object of config keys to values`);
  const keys = Object.keys(json);
  // Kafka Connect's create body, as `GET /connectors/{name}` and connector files elsewhere hold it.
  if (isMap(json.config) && keys.every((key) => key === 'name' || key === 'config' || key === 'tasks' || key === 'type')) {
    const name = json.name;
    if (name !== undefined && typeof name !== 'string') throw new SettingsInputError(`--config ${path}: "name" must be text`);
    return { name, settings: { ...json.config } };
  }
  return { name: typeof json.name === 'string' ? json.name : undefined, settings: json };
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The API's `details` of a refused config, one `key: message` per line. */
export function problemLines(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((detail: { key?: unknown; field?: unknown; message?: unknown }) => {
    const key = detail.key ?? detail.field;
    return typeof key === 'string' && typeof detail.message === 'string' ? [`  ${key}: ${detail.message}`] : [];
  });
}
