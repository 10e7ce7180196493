import { readFileSync } from 'node:fs';
import { ConfigError } from '@outbox/errors';
import type { z } from 'zod';
import { didYouMean } from './did-you-mean.ts';
import { type EnvKey, envKeys, ownPrefix, secretFileKeys, secretKeys, sharedPrefixes } from './env-keys.ts';
import { flatten, getPath, setPath } from './object-paths.ts';
import { type Config, configSchema } from './schema.ts';

export interface LoadConfigOptions {
  /** Usually `process.env`; only apps pass it in, so packages never read the environment. */
  env?: Record<string, string | undefined>;
  /** A JSON file with the same shape as the config; env values override it. */
  file?: string;
  /** Values that override both, e.g. from CLI flags. */
  overrides?: Record<string, unknown>;
}

type Source = { kind: 'env'; key: string } | { kind: 'file'; file: string } | { kind: 'flag' };

/**
 * Builds the one typed config from a file, the environment and overrides, validated once.
 * Throws a {@link ConfigError} that lists every bad key, with where it came from and what was expected.
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  const sources = new Map<string, Source>();

  const file = options.file ?? env.OUTBOX_CONFIG_FILE;
  if (file) {
    const fromFile = readConfigFile(file, problems);
    for (const [path, value] of flatten(fromFile)) {
      setPath(raw, path, value);
      sources.set(path, { kind: 'file', file });
    }
  }

  for (const [key, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    const secretKey = secretFileKeys.get(key);
    if (secretKey) {
      const secret = readSecretFile(key, value, env[secretKey], problems);
      if (secret === undefined) continue;
      setPath(raw, envKeys[secretKey], secret);
      sources.set(envKeys[secretKey], { kind: 'env', key });
      continue;
    }
    if (!(key in envKeys)) {
      const unknown = unknownKey(key);
      if (unknown) problems.push(unknown);
      continue;
    }
    const path = envKeys[key as EnvKey];
    // Its file variant holds the value (readSecretFile reports setting both).
    if (path === null || (secretFileKeys.has(`${key}_FILE`) && env[`${key}_FILE`])) continue;
    setPath(raw, path, value);
    sources.set(path, { kind: 'env', key });
  }

  for (const [path, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    setPath(raw, path, value);
    sources.set(path, { kind: 'flag' });
  }

  const parsed = configSchema.safeParse(raw);
  // A value can fail several checks that say the same thing (a URL's pattern and its parse): once is enough.
  if (!parsed.success) problems.push(...new Set(parsed.error.issues.map((issue) => describe(issue, raw, sources))));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** The problem with a variable that is not in the table, if it looks like one of ours at all. */
function unknownKey(key: string): string | undefined {
  const base = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : undefined;
  if (base && base in envKeys) return `${key}: only secrets can be read from a file (${secretKeys.join(', ')})`;
  const ours = key.startsWith(ownPrefix);
  if (!ours && !sharedPrefixes.some((p) => key.startsWith(p))) return undefined;
  const suggestion = didYouMean(key, Object.keys(envKeys));
  if (suggestion) return `${key}: unknown setting (did you mean ${suggestion}?)`;
  // KAFKA_, REDIS_, LOG_, …: shared with other software, so only a near miss of ours is reported.
  return ours ? `${key}: unknown setting` : undefined;
}

/** The secret in a `<KEY>_FILE` file, without the line end an editor adds. */
function readSecretFile(key: string, file: string, direct: string | undefined, problems: string[]): string | undefined {
  if (direct) {
    problems.push(`${key}: set either it or ${key.slice(0, -'_FILE'.length)}, not both`);
    return undefined;
  }
  try {
    const secret = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    if (secret) return secret;
    problems.push(`${key} (${file}): the file is empty`);
  } catch (error) {
    problems.push(`${key} (${file}): ${(error as Error).message}`);
  }
  return undefined;
}

function readConfigFile(file: string, problems: string[]): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    problems.push(`OUTBOX_CONFIG_FILE (${file}): expected a JSON object`);
  } catch (error) {
    problems.push(`OUTBOX_CONFIG_FILE (${file}): ${(error as Error).message}`);
  }
  return {};
}

function describe(issue: z.core.$ZodIssue, raw: Record<string, unknown>, sources: Map<string, Source>): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
  return keys
    .map((extra) => {
      const path = settingPath([...issue.path, ...(extra === undefined ? [] : [extra])].map(String), sources);
      const where = nameOf(path, sources.get(path));
      if (extra !== undefined) return `${where}: unknown setting`;
      const got = getPath(raw, path);
      const shown = got === undefined || secretPaths.has(path) ? '' : ` (got ${JSON.stringify(got)})`;
      return `${where}: ${issue.message}${shown}`;
    })
    .join('\n  - ');
}

/** The setting an issue is about: an issue inside a list value (`kafka.brokers.0`) belongs to the list. */
function settingPath(parts: string[], sources: Map<string, Source>): string {
  for (let n = parts.length; n > 0; n--) {
    const path = parts.slice(0, n).join('.');
    if (sources.has(path)) return path;
  }
  return parts.join('.');
}

/** A bad secret is reported without its value: config errors are printed and logged. */
const secretPaths = new Set<string>(secretKeys.map((key) => envKeys[key]));

function nameOf(path: string, source: Source | undefined): string {
  const envKey = Object.entries(envKeys).find(([, p]) => p === path)?.[0];
  if (source?.kind === 'file') return `${path} in ${source.file}`;
  if (source?.kind === 'flag') return `--${path}`;
  if (source?.kind === 'env') return `${source.key} (${path})`;
  return envKey ? `${envKey} (${path})` : path;
}
