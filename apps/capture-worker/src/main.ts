import { runMain } from '@outbox/runtime';
import { createCaptureService } from '@outbox/services';

await runMain({ name: 'capture-worker', env: process.env, start: createCaptureService });
