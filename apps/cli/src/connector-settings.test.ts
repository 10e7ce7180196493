import { describe, expect, it } from 'vitest';
import { problemLines, readSettings, SettingsInputError } from './connector-settings.ts';

const files: Record<string, string> = {
  'flat.json': '{"outbox.table": "orders_outbox", "pipeline.partitions": 4}',
  'connect.json': '{"name": "orders", "config": {"outbox.table": "orders_outbox"}}',
  'list.json': '[1, 2]',
  'broken.json': '{"outbox.table": ',
};
const read = (path: string) => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};

describe('readSettings', () => {
  it('takes a flat map or Kafka Connect’s {name, config}, with each --set over it', () => {
    expect(readSettings({ config: 'flat.json' }, read)).toEqual({
      name: undefined,
      settings: { 'outbox.table': 'orders_outbox', 'pipeline.partitions': 4 },
    });
    expect(readSettings({ config: 'connect.json', set: ['outbox.table=o2', 'kafka.topicTemplate=a=b'] }, read)).toEqual({
      name: 'orders',
      settings: { 'outbox.table': 'o2', 'kafka.topicTemplate': 'a=b' },
    });
    expect(readSettings({ set: ['sqlite.path=db.sqlite'] }, read).settings).toEqual({ 'sqlite.path': 'db.sqlite' });
  });

  it('refuses what is not a config, saying what is wrong', () => {
    const problem = (flags: Parameters<typeof readSettings>[0]) => {
      try {
        readSettings(flags, read);
      } catch (error) {
        expect(error).toBeInstanceOf(SettingsInputError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(problem({})).toMatch(/--config <file.json> or --set/);
    expect(problem({ set: ['outbox.table'] })).toMatch(/--set outbox.table: expected key=value/);
    expect(problem({ set: ['=x'] })).toMatch(/expected key=value/);
    expect(problem({ config: 'missing.json' })).toMatch(/cannot read --config missing.json: ENOENT/);
    expect(problem({ config: 'broken.json' })).toMatch(/--config broken.json is not JSON/);
    expect(problem({ config: 'list.json' })).toMatch(/expected a JSON object/);
  });
});

describe('problemLines', () => {
  it('lists each key (or field) with its message', () => {
    expect(
      problemLines([
        { key: 'outbox.tabel', message: 'unknown setting' },
        { field: 'config', message: 'a JSON object' },
      ]),
    ).toEqual(['  outbox.tabel: unknown setting', '  config: a JSON object']);
    expect(problemLines(undefined)).toEqual([]);
  });
});
