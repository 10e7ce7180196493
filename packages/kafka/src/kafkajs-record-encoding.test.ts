import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// The patch writes kafkajs' records in place (CONTRIBUTING.md, "Kafka, kafkajs and the patch"):
// checked here byte for byte against the record format written out from the protocol's definition.
const require = createRequire(import.meta.url);
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta?: number;
  timestampDelta?: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, string | Buffer | (string | Buffer)[]>;
}) => { buffer: Buffer };

/** Zigzag then LEB128 (Kafka's varint and varlong), with BigInt so no width is assumed. */
function varint(value: number): number[] {
  let zigzag = BigInt(value) >= 0n ? BigInt(value) * 2n : -BigInt(value) * 2n - 1n;
  const bytes: number[] = [];
  while (zigzag >= 0x80n) {
    bytes.push(Number(zigzag & 0x7fn) | 0x80);
    zigzag >>= 7n;
  }
  bytes.push(Number(zigzag));
  return bytes;
}

function sized(value: Buffer | string | null): number[] {
  if (value === null) return varint(-1);
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return [...varint(bytes.length), ...bytes];
}

function expected(record: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | string | null;
  value: string;
  headers: [string, string | Buffer][];
}): Buffer {
  const body = [
    0, // attributes
    ...varint(record.timestampDelta),
    ...varint(record.offsetDelta),
    ...sized(record.key),
    ...sized(record.value),
    ...varint(record.headers.length),
    ...record.headers.flatMap(([key, value]) => [...sized(key), ...sized(value)]),
  ];
  return Buffer.from([...varint(body.length), ...body]);
}

describe("kafkajs' record encoding, as patched", () => {
  const timestampDeltas = [
    0,
    1,
    -1,
    63,
    -64,
    64,
    2 ** 30 - 1,
    2 ** 30,
    -(2 ** 30),
    2 ** 31,
    1_765_000_000_000,
    -1_765_000_000_000,
  ];
  const offsetDeltas = [0, 1, 127, 128, 16_383, 16_384, 2 ** 21, 2 ** 28, 2 ** 30 - 1];

  it('writes every varint width, keys, values and headers as the protocol defines them', () => {
    const value = `{"text":"${'é€😀'.repeat(50)}"}`;
    const headers = {
      id: 'b5f4c1e2-0000-4000-8000-000000000001',
      type: 'UserRenamed',
      raw: Buffer.from([0, 255, 1, 254]),
      multi: ['a', 'b'.repeat(300)],
    };
    // On the wire, one header per value, in the object's order.
    const headerList = Object.entries(headers).flatMap(([key, values]) =>
      (Array.isArray(values) ? values : [values]).map((one): [string, string | Buffer] => [key, one]),
    );
    for (const timestampDelta of timestampDeltas) {
      for (const offsetDelta of offsetDeltas) {
        for (const key of [null, 'user-1', Buffer.from('k'.repeat(200))]) {
          const encoded = encodeRecord({ offsetDelta, timestampDelta, key, value, headers }).buffer;
          expect(
            encoded.equals(expected({ offsetDelta, timestampDelta, key, value, headers: headerList })),
            `${timestampDelta}/${offsetDelta}`,
          ).toBe(true);
        }
      }
    }
  });

  it('writes a record without headers, and one larger than the encoder starts with', () => {
    const value = 'x'.repeat(100_000);
    const encoded = encodeRecord({ key: 'k', value }).buffer;
    expect(encoded.equals(expected({ offsetDelta: 0, timestampDelta: 0, key: 'k', value, headers: [] }))).toBe(true);
  });
});
