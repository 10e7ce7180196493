export { loadConfig, type LoadConfigOptions } from './load-config.ts';
export { configSchema, type Config, type ConfigInput } from './schema.ts';
export { envKeys, type EnvKey } from './env-keys.ts';
