import { createCaptureService } from '@outbox/pipeline';
import { runMain } from '@outbox/runtime';

await runMain({ name: 'capture-worker', env: process.env, start: createCaptureService });
