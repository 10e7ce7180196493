export { configSecrets } from './config-secrets.ts';
export {
  type ConnectorProblem,
  type ConnectorSettings,
  connectorClass,
  connectorKeys,
  connectorSettingsOf,
  type ParsedConnector,
  parseConnectorConfig,
} from './connector-config.ts';
export { type EnvKey, envKeys } from './env-keys.ts';
export { type LoadConfigOptions, loadConfig } from './load-config.ts';
export { type Config, type ConfigInput, configSchema, defaultPartitions } from './schema.ts';
