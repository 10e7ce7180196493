import { createPublisherService } from '@outbox/pipeline';
import { runMain } from '@outbox/runtime';

await runMain({ name: 'publisher-worker', env: process.env, start: createPublisherService });
