const shape = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/**
 * The request's W3C `traceparent` header when it is one (version 00 shape, lower-case hex, neither
 * id all zeros, version not ff); anything else is dropped, never stored: it travels to Kafka with
 * the event, and a client must not be able to put arbitrary text there.
 */
export function validTraceparent(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  const match = shape.exec(header);
  if (!match) return undefined;
  const [, version, traceId, parentId] = match;
  if (version === 'ff' || /^0+$/.test(traceId ?? '') || /^0+$/.test(parentId ?? '')) return undefined;
  return header;
}
