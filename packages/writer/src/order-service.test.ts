import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateOutbox, openDatabase } from '@outbox/outbox-store';
import { describe, expect, it } from 'vitest';
import { migrateOrders, OrderService } from './order-service.ts';

describe('the order service', () => {
  it('writes an order and its OrderPlaced event together, or neither', () => {
    const db = openDatabase(join(mkdtempSync(join(tmpdir(), 'orders-')), 'db.sqlite'));
    try {
      migrateOrders(db);
      migrateOrders(db);
      migrateOutbox(db, 'orders_outbox');
      const orders = new OrderService(db, 'orders_outbox');
      const { order, outboxId } = orders.place({ userId: 1, item: 'keyboard', quantity: 1 });
      expect(order).toMatchObject({ id: 1, userId: 1, item: 'keyboard', quantity: 1 });
      const row = db.prepare('SELECT * FROM orders_outbox WHERE id = ?').get(outboxId) as Record<string, unknown>;
      expect(row).toMatchObject({ aggregateId: '1', eventType: 'OrderPlaced' });
      expect(JSON.parse(row.payload as string)).toEqual(order);

      // An outbox table that is not there fails the transaction: no order without its event.
      expect(() => new OrderService(db, 'missing_outbox').place({ userId: 1, item: 'mouse', quantity: 1 })).toThrow();
      expect(db.prepare('SELECT count(*) AS n FROM orders').get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
  });
});
