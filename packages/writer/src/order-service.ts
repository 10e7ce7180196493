import { appendOutboxEvent, type Database, runMigrations } from '@outbox/outbox-store';
import type { Statement } from 'better-sqlite3';

export interface Order {
  id: number;
  userId: number;
  item: string;
  quantity: number;
  createdAt: string;
}

/** The orders the demo places beside its sample users, each for one of them. */
export const sampleOrders = [
  { item: 'keyboard', quantity: 1 },
  { item: 'monitor', quantity: 2 },
  { item: 'coffee beans', quantity: 3 },
] as const;

/** The demo's second business table: orders, whose events go to an outbox table of their own. */
export function migrateOrders(db: Database): void {
  runMigrations(db, 'orders', [
    {
      version: 1,
      name: 'create orders',
      up: (d) =>
        d.exec(`CREATE TABLE orders (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          userId INTEGER NOT NULL,
          item TEXT NOT NULL,
          quantity INTEGER NOT NULL,
          createdAt TEXT NOT NULL
        )`),
    },
  ]);
}

/**
 * Orders and their events: an order row and its `OrderPlaced` event commit in one IMMEDIATE
 * transaction, as users and theirs do, into the outbox table the orders connector captures.
 */
export class OrderService {
  readonly #db: Database;
  readonly #outboxTable: string;
  readonly #insert: Statement<[number, string, number, string], Order>;

  constructor(db: Database, outboxTable: string) {
    this.#db = db;
    this.#outboxTable = outboxTable;
    this.#insert = db.prepare('INSERT INTO orders (userId, item, quantity, createdAt) VALUES (?, ?, ?, ?) RETURNING *');
  }

  place(order: { userId: number; item: string; quantity: number }): { order: Order; outboxId: number; eventId: string } {
    return this.#db
      .transaction(() => {
        const placed = this.#insert.get(order.userId, order.item, order.quantity, new Date().toISOString());
        if (!placed) throw new Error('INSERT … RETURNING returned no row');
        const event = { aggregateId: placed.id, eventType: 'OrderPlaced', payload: placed };
        return { order: placed, ...appendOutboxEvent(this.#db, this.#outboxTable, event) };
      })
      .immediate();
  }
}
