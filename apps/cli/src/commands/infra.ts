import type { Command } from 'commander';
import type { Env } from '../cli-args.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

export function registerInfraCommands(program: Command, env: Env): void {
  const infra = program.command('infra').description('the local Kafka broker and Redis for development');
  infra
    .command('up')
    .description('start Kafka (fetched from Maven Central the first time) and, if none answers, Redis')
    .action(async () => {
      const { infraUp } = await import('@outbox/infra');
      const state = await infraUp({ redisUrl: env.REDIS_URL, log: say });
      say(
        `Kafka: ${state.kafka.brokers.join(',')}${state.kafka.pid ? ` (pid ${state.kafka.pid}, log ${state.kafka.logFile})` : ''}`,
      );
      say(`Redis: ${state.redis.url}${state.redis.pid ? ` (pid ${state.redis.pid})` : ''}`);
    });
  infra
    .command('down')
    .description('stop what `infra up` started')
    .option('--purge', "also delete the local broker's data")
    .action(async (options: { purge?: boolean }) => {
      const { infraDown } = await import('@outbox/infra');
      await infraDown({ log: say, purge: options.purge });
      say('infrastructure stopped');
    });
  infra
    .command('status')
    .description('is Kafka up, is Redis up')
    .action(async () => {
      const { infraStatus } = await import('@outbox/infra');
      const status = await infraStatus();
      say(`Kafka: ${status.kafka}`);
      say(`Redis: ${status.redis}`);
      process.exitCode = status.kafka.startsWith('up') && status.redis.startsWith('up') ? 0 : 1;
    });
}
