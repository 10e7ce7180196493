import { appendOutboxEvent, type Database, runMigrations } from '@outbox/outbox-store';
import type { Statement } from 'better-sqlite3';

export interface User {
  id: number;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A user as changed, and the event that records the change. */
export interface UserChange {
  user: User;
  outboxId: number;
  /** The event's id, unique even where outbox ids are re-used (an older backup restored). */
  eventId: string;
}

/** The business table of the demo app; the columns of the original demo plus timestamps. */
export function migrateUsers(db: Database): void {
  runMigrations(db, 'users', [
    {
      version: 1,
      name: 'create users',
      up: (d) =>
        d.exec(`CREATE TABLE users (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          updatedAt TEXT NOT NULL
        )`),
    },
  ]);
}

/**
 * Users and their events: every change writes the user row and its outbox event in one
 * IMMEDIATE transaction, so both commit or neither does, and outbox ids follow commit order.
 */
export class UserService {
  readonly #db: Database;
  readonly #outboxTable: string;
  readonly #insert: Statement<[string, string, string], User>;
  readonly #rename: Statement<[string, string, number], User>;
  readonly #delete: Statement<[number], User>;
  readonly #get: Statement<[number], User>;

  constructor(db: Database, outboxTable: string) {
    this.#db = db;
    this.#outboxTable = outboxTable;
    this.#insert = db.prepare('INSERT INTO users (name, createdAt, updatedAt) VALUES (?, ?, ?) RETURNING *');
    this.#rename = db.prepare('UPDATE users SET name = ?, updatedAt = ? WHERE id = ? RETURNING *');
    this.#delete = db.prepare('DELETE FROM users WHERE id = ? RETURNING *');
    this.#get = db.prepare('SELECT * FROM users WHERE id = ?');
  }

  get(id: number): User | undefined {
    return this.#get.get(id);
  }

  create(name: string, traceparent?: string): UserChange {
    return this.#inTransaction(() => {
      const now = new Date().toISOString();
      const user = this.#insert.get(name, now, now);
      if (!user) throw new Error('INSERT … RETURNING returned no row');
      return { user, ...this.#append(user.id, 'UserCreated', user, traceparent) };
    });
  }

  /** Returns undefined (and writes nothing) when there is no such user. */
  rename(id: number, name: string, traceparent?: string): UserChange | undefined {
    return this.#inTransaction(() => {
      const user = this.#rename.get(name, new Date().toISOString(), id);
      return user && { user, ...this.#append(user.id, 'UserRenamed', user, traceparent) };
    });
  }

  remove(id: number, traceparent?: string): UserChange | undefined {
    return this.#inTransaction(() => {
      const user = this.#delete.get(id);
      return user && { user, ...this.#append(user.id, 'UserDeleted', { id: user.id }, traceparent) };
    });
  }

  #append(aggregateId: number, eventType: string, payload: unknown, traceparent?: string): { outboxId: number; eventId: string } {
    return appendOutboxEvent(this.#db, this.#outboxTable, { aggregateId, eventType, payload, traceparent });
  }

  #inTransaction<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }
}
