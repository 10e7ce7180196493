import type { ConnectorStatus, ConnectorSummary } from '@outbox/pipeline';
import { ApiCallError, type ConnectorApiClient } from '@outbox/rest-api/client';
import { exitCodes } from '@outbox/runtime';
import type { Command } from 'commander';
import type { Env } from '../cli-args.ts';
import { problemLines, readSettings, type SettingsFlags, SettingsInputError, type SettingsMap } from '../connector-settings.ts';
import { connectorPath as path, runApiCommand, say } from './api-command.ts';

/** `GET /connectors/{name}`: Kafka Connect's connector info. */
interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
}

/** Kafka Connect's answer to a validate request: one entry per key, each with its errors. */
interface ValidateAnswer {
  error_count: number;
  configs: { value: { name: string; errors: string[] } }[];
}

/** A delete returns once the connector's events in flight are acknowledged, which may take up to a minute. */
const deleteTimeoutMs = 120_000;

/** Each connector's status, or why it could not be read: one failing never hides the others. */
export async function connectorSummaries(api: ConnectorApiClient, names: readonly string[]): Promise<ConnectorSummary[]> {
  return Promise.all(
    names.map(async (name): Promise<ConnectorSummary> => {
      try {
        return { name, status: await api.request<ConnectorStatus>('GET', `${path(name)}/status`) };
      } catch (error) {
        if (!(error instanceof ApiCallError)) throw error;
        return { name, error: error.message };
      }
    }),
  );
}

/**
 * `outbox connectors …`: the worker's connectors managed through its REST API, like Kafka
 * Connect's. Exit codes: 0 done; 1 refused by the API (a name taken, the worker's own connector, an
 * unknown one) or the API cannot be reached; 2 bad input — the config is not valid (every bad key
 * named) or the command line is wrong — and then nothing was changed.
 */
export function registerConnectorsCommands(program: Command, env: Env): void {
  const connectors = program
    .command('connectors')
    .description(
      "every connector of the fleet: list, create, show or change a config, delete, validate (Kafka Connect's REST API)",
    )
    // Commander's own usage errors (a missing name, an unknown option) are bad input too.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : exitCodes.invalidConfig));

  connectors
    .command('list')
    .description('every connector the capture worker runs, with its state, tasks and backlog')
    .option('--json', "print the names as the REST API's JSON, for scripts")
    .action((options: { json?: boolean }) =>
      runApiCommand(env, 'connectors list', async (api) => {
        const names = await api.request<string[]>('GET', '/connectors');
        if (options.json) {
          say(JSON.stringify(names));
          return 0;
        }
        const { formatConnectors } = await import('@outbox/pipeline');
        say(formatConnectors(await connectorSummaries(api, names)));
        return 0;
      }),
    );

  connectors
    .command('create <name>')
    .description('create a connector; the capture worker starts it at once, every publisher within seconds')
    .option('--config <file>', 'a JSON config map, or Kafka Connect\'s {"name", "config"} (- reads stdin)')
    .option('--set <key=value...>', "a setting, over the file's (e.g. --set outbox.table=orders_outbox)")
    .action((name: string, flags: SettingsFlags, command: Command) => {
      const input = settingsOrExit(command, flags, name);
      return runApiCommand(env, 'connectors create', (api) =>
        refusedConfig('connectors create', async () => {
          const info = await api.request<ConnectorInfo>('POST', '/connectors', { name, config: input.settings });
          say(`connector ${info.name} created: ${running(info)}`);
          return 0;
        }),
      );
    });

  connectors
    .command('config <name>')
    .description("a connector's config: every setting, defaults included")
    .option('--json', 'print it as JSON, which --config takes back')
    .action((name: string, options: { json?: boolean }) =>
      runApiCommand(env, 'connectors config', async (api) => {
        const settings = await api.request<Record<string, string>>('GET', `${path(name)}/config`);
        say(
          options.json
            ? JSON.stringify(settings, null, 2)
            : Object.entries(settings)
                .map(([k, v]) => `${k}=${v}`)
                .join('\n'),
        );
        return 0;
      }),
    );

  connectors
    .command('update <name>')
    .description("change a connector's config (created when missing); its tasks restart with the new config")
    .option('--config <file>', "the whole new config, in place of the connector's (- reads stdin)")
    .option('--set <key=value...>', 'change these settings and keep the others')
    .action((name: string, flags: SettingsFlags, command: Command) => {
      const input = settingsOrExit(command, flags, name);
      return runApiCommand(env, 'connectors update', (api) =>
        refusedConfig('connectors update', async () => {
          const current = await currentConfig(api, name);
          // --set alone changes only what it names: the rest is the config as it runs now.
          const settings: SettingsMap = flags.config === undefined ? { ...current, ...input.settings } : input.settings;
          const info = await api.request<ConnectorInfo>('PUT', `${path(name)}/config`, settings);
          say(`connector ${info.name} ${current ? 'updated' : 'created'}: ${running(info)}`);
          return 0;
        }),
      );
    });

  connectors
    .command('delete <name>')
    .description('delete a connector: it stops once its events in flight are acknowledged; its outbox table stays')
    .action((name: string) =>
      runApiCommand(env, 'connectors delete', async (api) => {
        await api.request('DELETE', path(name), undefined, { timeoutMs: deleteTimeoutMs });
        say(`connector ${name} deleted; its events in flight were acknowledged first`);
        return 0;
      }),
    );

  connectors
    .command('validate')
    .description('check a config without storing it: every bad key, with what was expected')
    .option('--config <file>', 'a JSON config map, or Kafka Connect\'s {"name", "config"} (- reads stdin)')
    .option('--set <key=value...>', "a setting, over the file's")
    .action((flags: SettingsFlags, command: Command) => {
      const input = settingsOrExit(command, flags);
      const settings = input.name === undefined ? input.settings : { name: input.name, ...input.settings };
      return runApiCommand(env, 'connectors validate', async (api) => {
        const answer = await api.request<ValidateAnswer>('PUT', '/connector-plugins/outbox/config/validate', settings);
        if (answer.error_count === 0) {
          say('the config is valid (nothing was stored)');
          return 0;
        }
        for (const { value } of answer.configs) for (const error of value.errors) say(`  ${value.name}: ${error}`);
        say(`${answer.error_count} problem${answer.error_count === 1 ? '' : 's'}; nothing was stored`);
        return exitCodes.invalidConfig;
      });
    });
}

/**
 * The settings the flags give, or a usage error (exit 2) before anything is sent: also when a
 * `--config` file names another connector than `name`.
 */
function settingsOrExit(command: Command, flags: SettingsFlags, name?: string): ReturnType<typeof readSettings> {
  let input: ReturnType<typeof readSettings>;
  try {
    input = readSettings(flags);
  } catch (error) {
    if (!(error instanceof SettingsInputError)) throw error;
    return command.error(`error: ${error.message}`, { exitCode: 2 });
  }
  if (name !== undefined && input.name !== undefined && input.name !== name) {
    command.error(`error: --config names the connector "${input.name}", not "${name}"`, { exitCode: 2 });
  }
  return input;
}

/** A config the API refused as not valid: its message and every bad key, and exit 2. */
async function refusedConfig(name: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiCallError) || error.status !== 400) throw error;
    process.stderr.write(`outbox ${name}: ${error.message}\n${problemLines(error.details).join('\n')}\n`);
    return exitCodes.invalidConfig;
  }
}

/** The connector's config as it runs, or undefined when there is none of that name. */
async function currentConfig(api: ConnectorApiClient, name: string): Promise<SettingsMap | undefined> {
  try {
    return await api.request<SettingsMap>('GET', `${path(name)}/config`);
  } catch (error) {
    if (error instanceof ApiCallError && error.status === 404) return undefined;
    throw error;
  }
}

const running = (info: ConnectorInfo) =>
  info.tasks.length > 0
    ? `${info.tasks.length} tasks on outbox table ${info.config['outbox.table']} of ${info.config['sqlite.path']}`
    : "stored, but not running yet: the capture worker's log says why";
