import { runMain } from '@outbox/runtime';
import { createWriterService } from '@outbox/writer';

await runMain({ name: 'writer', env: process.env, start: createWriterService });
