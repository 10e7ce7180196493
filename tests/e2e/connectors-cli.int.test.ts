import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '@outbox/outbox-store';
import { httpUrlOf, testEnvironment, useApps } from '@outbox/testkit';
import { describe, expect, it } from 'vitest';

const start = useApps();

describe('outbox connectors, against a running capture worker', () => {
  it('creates, lists, shows, updates, validates and deletes a connector; bad input changes nothing', async () => {
    const { env, config, dir } = testEnvironment({ OUTBOX_PARTITIONS: '2' });
    const own = config.connector.name;
    const cliEnv = { ...env, OUTBOX_API_URL: await httpUrlOf(start('capture-worker', env)), LOG_LEVEL: 'warn' };
    const cli = async (...args: string[]) => {
      const app = start('cli', cliEnv, args);
      const code = await app.exited;
      return { code, output: app.output() };
    };
    const json = async (...args: string[]) => JSON.parse((await cli(...args)).output);
    // A database of its own: a pause is kept per database file (outbox_meta), not per connector.
    const ordersDb = join(dir, 'orders.sqlite');
    openDatabase(ordersDb).close();
    const orders = [
      '--set',
      `sqlite.path=${ordersDb}`,
      '--set',
      'outbox.table=orders_outbox',
      '--set',
      'outbox.aggregateType=orders',
    ];

    // Create: the same worker captures it at once. List, status and config show it.
    const created = await cli('connectors', 'create', 'orders', ...orders, '--set', 'pipeline.partitions=3');
    expect(created, created.output).toMatchObject({ code: 0 });
    expect(created.output).toContain('connector orders created: 3 tasks on outbox table orders_outbox');
    const [names, again, list, status, shown] = await Promise.all([
      json('connectors', 'list', '--json'),
      cli('connectors', 'create', 'orders', ...orders),
      cli('connectors', 'list'),
      cli('status'),
      cli('connectors', 'config', 'orders'),
    ]);
    expect(names).toEqual([own, 'orders']);
    expect(again.code).toBe(1);
    expect(again.output).toContain('connector orders already exists');
    expect(list.code, list.output).toBe(0);
    expect(list.output).toMatch(new RegExp(`^${own} +RUNNING +2 `, 'm'));
    expect(list.output).toMatch(/^orders +RUNNING +3 /m);
    expect(status.code, status.output).toBe(0);
    expect(status.output).toContain(`connector ${own}: RUNNING`);
    expect(status.output).toContain('connector orders: RUNNING');
    expect(shown.output).toContain('outbox.table=orders_outbox\n');
    expect(shown.output).toContain('pipeline.partitions=3\n');

    // The per-connector commands take --connector; the others' default stays the worker's own.
    expect((await cli('pause', '--connector', 'orders')).output).toContain('connector orders paused');
    const [paused, ownStatus, offsets] = await Promise.all([
      json('status', '--json', '--connector', 'orders'),
      json('status', '--json'),
      cli('offsets', '--connector', 'orders'),
    ]);
    expect(paused).toMatchObject({ name: 'orders', connector: { state: 'PAUSED' } });
    expect(ownStatus).toMatchObject({ name: own, connector: { state: 'RUNNING' } });
    expect(offsets.output).toMatch(/^2 /m);
    expect((await cli('resume', '--connector', 'orders')).code).toBe(0);

    // Update: --set changes one setting and keeps the rest; --config replaces the config.
    const updated = await cli('connectors', 'update', 'orders', '--set', 'publisher.onPoison=halt');
    expect(updated, updated.output).toMatchObject({ code: 0 });
    expect(updated.output).toContain('connector orders updated: 3 tasks on outbox table orders_outbox');
    expect(await json('connectors', 'config', 'orders', '--json')).toMatchObject({
      'publisher.onPoison': 'halt',
      'pipeline.partitions': '3',
      'outbox.table': 'orders_outbox',
    });
    const file = join(dir, 'orders.json');
    const replaced = { 'sqlite.path': ordersDb, 'outbox.table': 'orders_outbox', 'pipeline.partitions': 3 };
    writeFileSync(file, JSON.stringify({ name: 'orders', config: replaced }));
    expect((await cli('connectors', 'update', 'orders', '--config', file)).code).toBe(0);
    expect(await json('connectors', 'config', 'orders', '--json')).toMatchObject({ 'publisher.onPoison': 'dead-letter' });

    // Bad input: every bad key named, exit 2, and nothing stored or changed. The worker's own
    // connector is its config file's: the API refuses to change or delete it.
    const bad = ['--set', 'outbox.tabel=x', '--set', 'pipeline.partitions=zero', '--set', 'publisher.onPoison=maybe'];
    const [validated, valid, refused, refusedUpdate, empty, missing, ownUpdate, ownDelete] = await Promise.all([
      cli('connectors', 'validate', ...orders, ...bad),
      cli('connectors', 'validate', ...orders),
      cli('connectors', 'create', 'payments', ...orders, ...bad),
      cli('connectors', 'update', 'orders', '--set', 'pipeline.partitions=-1'),
      cli('connectors', 'update', 'orders'),
      cli('connectors', 'create', 'nameless', '--config', join(dir, 'missing.json')),
      cli('connectors', 'update', own, '--set', 'publisher.onPoison=halt'),
      cli('connectors', 'delete', own),
    ]);
    expect(validated.code, validated.output).toBe(2);
    expect(refused.code, refused.output).toBe(2);
    for (const key of ['outbox.tabel', 'pipeline.partitions', 'publisher.onPoison']) {
      expect(validated.output).toContain(`  ${key}: `);
      expect(refused.output).toContain(`  ${key}: `);
    }
    expect(validated.output).toContain('did you mean outbox.table?');
    expect(validated.output).toContain('3 problems; nothing was stored');
    expect(valid.output).toContain('the config is valid');
    expect(refusedUpdate.code).toBe(2);
    expect(refusedUpdate.output).toContain('  pipeline.partitions: ');
    expect(empty.code).toBe(2);
    expect(empty.output).toContain('give the config: --config <file.json> or --set key=value');
    expect(missing.code).toBe(2);
    expect(missing.output).toContain('cannot read --config');
    expect(ownUpdate.code).toBe(1);
    expect(ownUpdate.output).toContain("defined by the worker's own config");
    expect(ownDelete.code).toBe(1);
    expect(await json('connectors', 'list', '--json')).toEqual([own, 'orders']);
    expect(await json('connectors', 'config', 'orders', '--json')).toMatchObject({ 'pipeline.partitions': '3' });

    // Delete: it stops and is gone.
    const deleted = await cli('connectors', 'delete', 'orders');
    expect(deleted, deleted.output).toMatchObject({ code: 0 });
    const [after, gone] = await Promise.all([json('connectors', 'list', '--json'), cli('connectors', 'config', 'orders')]);
    expect(after).toEqual([own]);
    expect(gone.code).toBe(1);
    expect(gone.output).toContain('no connector named "orders"');
  });
});
