import { appendFileSync, writeFileSync } from 'node:fs';
import { appendOutboxEvent, type Database, type OutboxTable } from '@outbox/outbox-store';
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
  /**
   * … or straight into an outbox table with an aggregate-type column, aggregates spread over these
   * types in turn (`orders` gets `OrdersCreated`, then `OrdersUpdated`) …
   */
  typed?: { db: Database; table: OutboxTable; types: readonly string[] };
  /** … or through the writer's HTTP API at this base URL. */
  url?: string;
  /** Appends each committed event id, one per line in commit order, for `outbox verify`. */
  idsFile?: string;
  signal?: AbortSignal;
  onProgress?: (written: number) => void;
}

export interface LoadResult {
  written: number;
  /** The committed events' ids, in commit order. */
  eventIds: string[];
  userIds: number[];
  seconds: number;
}

/** What the load keeps of one committed event. */
interface Committed {
  eventId: string;
}

interface Sink {
  create(name: string): Promise<Committed & { id: number }>;
  rename(id: number, name: string): Promise<Committed>;
}

/** Realistic traffic for the demo, tests and benchmarks: users created, then renamed at random. */
export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  if (options.aggregates < 1 || options.events < options.aggregates) {
    throw new RangeError('events must be at least aggregates, and aggregates at least 1');
  }
  const sink = options.typed ? typedSink(options.typed) : options.users ? directSink(options.users) : httpSink(options.url ?? '');
  if (options.idsFile) writeFileSync(options.idsFile, '');
  const started = performance.now();
  const eventIds: string[] = [];
  const userIds: number[] = [];
  // Event ids, not outbox ids: a database restored from an older backup hands out outbox ids
  // again, and the verifier would take a re-used id's delivery for a lost event's. One write at a
  // time, so the file is in commit order.
  const record = ({ eventId }: Committed) => {
    eventIds.push(eventId);
    if (options.idsFile) appendFileSync(options.idsFile, `${eventId}\n`);
    if (eventIds.length % 1000 === 0) options.onProgress?.(eventIds.length);
  };

  for (let i = 0; i < options.events && !options.signal?.aborted; i++) {
    if (options.rate > 0) {
      const due = started + (i * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait, options.signal);
    }
    if (i < options.aggregates) {
      const created = await sink.create(`user-${i}`);
      userIds.push(created.id);
      record(created);
    } else {
      const id = userIds[Math.floor(Math.random() * userIds.length)] ?? 0;
      record(await sink.rename(id, `user-${id}-v${i}`));
    }
  }
  return { written: eventIds.length, eventIds, userIds, seconds: (performance.now() - started) / 1000 };
}

function directSink(users: UserService): Sink {
  return {
    create: async (name) => {
      const { user, eventId } = users.create(name);
      return { id: user.id, eventId };
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
    const result = (await response.json()) as Partial<Committed & { id: number }>;
    // A writer too old to name the event would fill the ids file with "undefined".
    if (typeof result.eventId !== 'string') throw new Error(`${method} ${path}: the writer's answer has no eventId`);
    return { id: Number(result.id), eventId: result.eventId };
  };
  return {
    create: (name) => call('POST', '/users', { name }),
    rename: (id, name) => call('PATCH', `/users/${id}`, { name }),
  };
}

/**
 * Events of several aggregate types in one outbox table: aggregate k is of type k mod n, so every
 * type has its share, and its ids are unique across types (the verifier keys by topic anyway).
 */
function typedSink({ db, table, types }: NonNullable<LoadOptions['typed']>): Sink {
  const typeOf = (id: number) => types[(id - 1) % types.length] ?? 'unknown';
  const capitalized = (type: string) => type.charAt(0).toUpperCase() + type.slice(1);
  let aggregates = 0;
  const write = (id: number, change: string, name: string) =>
    db
      .transaction(() =>
        appendOutboxEvent(db, table, {
          aggregateType: typeOf(id),
          aggregateId: id,
          eventType: `${capitalized(typeOf(id))}${change}`,
          payload: { id, name },
        }),
      )
      .immediate();
  return {
    create: async (name) => {
      aggregates += 1;
      return { id: aggregates, eventId: write(aggregates, 'Created', name).eventId };
    },
    rename: async (id, name) => ({ eventId: write(id, 'Updated', name).eventId }),
  };
}
