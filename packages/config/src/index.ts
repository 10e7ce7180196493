export { configSecrets } from './config-secrets.ts';
export { type EnvKey, envKeys } from './env-keys.ts';
export { type LoadConfigOptions, loadConfig } from './load-config.ts';
export { type Config, type ConfigInput, configSchema } from './schema.ts';
