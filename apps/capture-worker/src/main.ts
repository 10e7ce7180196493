import { runMain } from '@outbox/runtime';
import { createCaptureService } from '@outbox/services/capture';

await runMain({ name: 'capture-worker', env: process.env, start: createCaptureService });
