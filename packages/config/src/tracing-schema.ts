import { z } from 'zod';

const otlpUrl = z
  .string()
  .regex(/^https?:\/\/[^\s]+$/, 'an http:// or https:// URL')
  .refine((url) => URL.canParse(url), 'an http:// or https:// URL');

/** A decimal fraction such as `0.25` or `1`; `z.coerce.number` would also take `0x1` or `" "`. */
const ratio = z.preprocess(
  (v) => (typeof v === 'string' && /^\d*\.?\d+$/.test(v.trim()) ? Number(v) : v),
  z
    .number({ error: 'expected a ratio from 0 to 1, e.g. 0.25' })
    .min(0, 'expected a ratio from 0 to 1, e.g. 0.25')
    .max(1, 'expected a ratio from 0 to 1, e.g. 0.25'),
);

/** The OpenTelemetry samplers by the names `OTEL_TRACES_SAMPLER` gives them. */
export const samplers = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

/**
 * Traces over OTLP/HTTP, read from OpenTelemetry's own variables. Off unless an endpoint is set;
 * `url` is where the spans go: the traces endpoint as it is, or the endpoint with `v1/traces`
 * appended, as OpenTelemetry's exporters do.
 */
export const tracingSchema = z
  .object({
    /** A collector's base URL; spans go to `<endpoint>/v1/traces`. */
    endpoint: otlpUrl.optional(),
    /** The URL spans are posted to, as it is; wins over `endpoint`. */
    tracesEndpoint: otlpUrl.optional(),
    /** Turns tracing off whatever the endpoints say. */
    disabled: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).default(false),
    /** The spans' `service.name`; unset, each process names itself (outbox-writer, outbox-capture, outbox-publisher). */
    serviceName: z.string().trim().min(1).optional(),
    /** Which traces are kept; a parent-based sampler follows the decision of the trace it continues. */
    sampler: z.enum(samplers).default('parentbased_always_on'),
    /** The share of traces the `traceidratio` samplers keep. */
    samplerRatio: ratio.default(1),
  })
  .strict()
  .transform((tracing) => ({ ...tracing, url: tracesUrl(tracing) }))
  .prefault({});

function tracesUrl(tracing: { endpoint?: string | undefined; tracesEndpoint?: string | undefined; disabled: boolean }) {
  if (tracing.disabled) return undefined;
  if (tracing.tracesEndpoint) return tracing.tracesEndpoint;
  if (!tracing.endpoint) return undefined;
  return `${tracing.endpoint}${tracing.endpoint.endsWith('/') ? '' : '/'}v1/traces`;
}
