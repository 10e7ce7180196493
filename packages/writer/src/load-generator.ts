import { appendFileSync, writeFileSync } from 'node:fs';
import { sleep } from '@outbox/runtime';
import type { UserService } from './user-service.ts';

export interface LoadOptions {
  /** Total events to write: one `UserCreated` per aggregate, the rest `UserRenamed`. */
  events: number;
  /** How many users (aggregates) the events are spread over. */
  aggregates: number;
  /** Events per second; 0 writes as fast as the database allows. */
  rate: number;
  /** Write through this service (in process) … */
  users?: UserService;
  /** … or through the writer's HTTP API at this base URL. */
  url?: string;
  /** Appends each committed outbox id, one per line, for `outbox verify`. */
  idsFile?: string;
  signal?: AbortSignal;
  onProgress?: (written: number) => void;
}

export interface LoadResult {
  written: number;
  outboxIds: number[];
  userIds: number[];
  seconds: number;
}

interface Sink {
  create(name: string): Promise<{ id: number; outboxId: number }>;
  rename(id: number, name: string): Promise<{ outboxId: number }>;
}

/** Realistic traffic for the demo, tests and benchmarks: users created, then renamed at random. */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.aggregates < 1 || options.events < options.aggregates) {
    throw new RangeError('events must be at least aggregates, and aggregates at least 1');
  }
  const sink = options.users ? directSink(options.users) : httpSink(options.url ?? '');
  if (options.idsFile) writeFileSync(options.idsFile, '');
  const started = performance.now();
  const outboxIds: number[] = [];
  const userIds: number[] = [];
  const record = (outboxId: number) => {
    outboxIds.push(outboxId);
    if (options.idsFile) appendFileSync(options.idsFile, `${outboxId}\n`);
    if (outboxIds.length % 1000 === 0) options.onProgress?.(outboxIds.length);
  };

  for (let i = 0; i < options.events && !options.signal?.aborted; i++) {
    if (options.rate > 0) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait, options.signal);
    }
    if (i < options.aggregates) {
      const { id, outboxId } = await sink.create(`user-${i}`);
      userIds.push(id);
      record(outboxId);
    } else {
      const id = userIds[Math.floor(Math.random() * userIds.length)] ?? 0;
      record((await sink.rename(id, `user-${id}-v${i}`)).outboxId);
    }
  }
  return { written: outboxIds.length, outboxIds, userIds, seconds: (performance.now() - started) / 1000 };
}

function directSink(users: UserService): Sink {
  return {
    create: async (name) => {
      const { user, outboxId } = users.create(name);
      return { id: user.id, outboxId };
    },
    rename: async (id, name) => {
      const result = users.rename(id, name);
      if (!result) throw new Error(`user ${id} vanished during the load`);
      return result;
    },
  };
}

function httpSink(baseUrl: string): Sink {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as { id: number; outboxId: number };
  };
  return {
    create: (name) => call('POST', '/users', { name }),
    rename: (id, name) => call('PATCH', `/users/${id}`, { name }),
  };
}
