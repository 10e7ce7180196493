import { useWorkerHeap } from '@outbox/runtime/worker-heap';

// First, before the rest is loaded: the process may start again with the workers' heap settings.
useWorkerHeap(process);
const [{ runMain }, { createCaptureService }] = await Promise.all([
  import('@outbox/runtime'),
  import('@outbox/services/capture'),
]);
await runMain({ name: 'capture-worker', env: process.env, start: createCaptureService });
