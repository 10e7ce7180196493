import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { freePort } from '@outbox/infra';

/** A span as an OTLP/HTTP exporter posted it (ids in hex, as OTLP's JSON encoding has them). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Absent for the root span of a trace. */
  parentSpanId?: string;
  name: string;
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED';
  /** The `service.name` of the process that sent it. */
  service: string;
  attributes: Record<string, string | number | boolean>;
  status: 'UNSET' | 'OK' | 'ERROR';
}

export interface OtlpReceiver {
  /** Where to point `OTEL_EXPORTER_OTLP_ENDPOINT`: spans arrive at `<endpoint>/v1/traces`. */
  endpoint: string;
  /** Spans received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Requests that were not an export of spans in OTLP's JSON encoding (kept so a test can show them). */
  rejected: string[];
  close(): Promise<void>;
}

const kinds = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const statuses = ['UNSET', 'OK', 'ERROR'] as const;

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface ExportRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind?: number;
        attributes?: KeyValue[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

function attributesOf(list: KeyValue[] = []): Record<string, string | number | boolean> {
  const attributes: Record<string, string | number | boolean> = {};
  for (const { key, value = {} } of list) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? value.intValue;
    if (v !== undefined) attributes[key] = typeof value.intValue === 'string' ? Number(value.intValue) : v;
  }
  return attributes;
}

function spansOf(request: ExportRequest): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((resourceSpans) => {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        ...(span.parentSpanId && { parentSpanId: span.parentSpanId }),
        name: span.name,
        kind: kinds[span.kind ?? 0] ?? 'UNSPECIFIED',
        service,
        attributes: attributesOf(span.attributes),
        status: statuses[span.status?.code ?? 0] ?? 'UNSET',
      })),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
}

/**
 * A local OpenTelemetry collector for tests: it takes OTLP/HTTP trace exports in the JSON encoding
 * (what `@opentelemetry/exporter-trace-otlp-http` posts) and keeps their spans.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const port = await freePort();
  const spans: ReceivedSpan[] = [];
  const rejected: string[] = [];
  const server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const json =
        request.method === 'POST' && request.url === '/v1/traces' && request.headers['content-type'] === 'application/json';
      try {
        if (!json) throw new Error(`${request.method} ${request.url} (${request.headers['content-type']})`);
        spans.push(...spansOf(JSON.parse(body) as ExportRequest));
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        rejected.push(`${(error as Error).message}: ${body.slice(0, 200)}`);
        response.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    rejected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
