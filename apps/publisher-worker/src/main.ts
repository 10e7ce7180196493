import { useWorkerHeap } from '@outbox/runtime/worker-heap';

// First, before the rest is loaded: the process may start again with the workers' heap settings.
useWorkerHeap(process);
const [{ runMain }, { createPublisherService }] = await Promise.all([
  import('@outbox/runtime'),
  import('@outbox/services/publisher'),
]);
await runMain({ name: 'publisher-worker', env: process.env, start: createPublisherService });
