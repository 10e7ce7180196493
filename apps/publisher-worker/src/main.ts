import { runMain } from '@outbox/runtime';
import { createPublisherService } from '@outbox/services/publisher';

await runMain({ name: 'publisher-worker', env: process.env, start: createPublisherService });
