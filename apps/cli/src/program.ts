import { Command } from 'commander';
import type { Env } from './cli-args.ts';
import { registerConnectorCommands } from './commands/connector.ts';
import { registerConnectorsCommands } from './commands/connectors.ts';
import { registerDeadLetterCommands } from './commands/dead-letters.ts';
import { registerDemoCommand } from './commands/demo.ts';
import { registerFleetCommands } from './commands/fleet.ts';
import { registerInfraCommands } from './commands/infra.ts';
import { registerLoadCommand } from './commands/load.ts';
import { registerOffsetCommands } from './commands/offsets.ts';
import { registerServiceCommands } from './commands/services.ts';

/** `outbox <command>`: every process of the pipeline, the local infrastructure and the demo. */
export function buildProgram(env: Env): Command {
  const program = new Command('outbox')
    .description('Transactional outbox → Kafka: capture, queue and publish SQLite outbox events')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });
  registerInfraCommands(program, env);
  registerServiceCommands(program, env);
  registerLoadCommand(program, env);
  registerConnectorCommands(program, env);
  registerConnectorsCommands(program, env);
  registerDeadLetterCommands(program, env);
  registerOffsetCommands(program, env);
  registerFleetCommands(program, env);
  registerDemoCommand(program, env);
  return program;
}
