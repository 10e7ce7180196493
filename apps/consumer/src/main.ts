import { parseArgs } from 'node:util';
import { createConsumerService } from '@outbox/kafka';
import { runMain } from '@outbox/runtime';

const { values } = parseArgs({ options: { 'from-beginning': { type: 'boolean' }, group: { type: 'string' } } });

await runMain({
  name: 'consumer',
  env: process.env,
  start: (context) =>
    createConsumerService(context, {
      fromBeginning: values['from-beginning'],
      groupId: values.group,
      write: (line) => process.stdout.write(`${line}\n`),
      colour: process.stdout.isTTY,
    }),
});
