import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config.ts';

describe('tracing settings (OpenTelemetry variables)', () => {
  it('is off without an endpoint, whatever else is set', () => {
    expect(loadConfig({ env: {} }).tracing).toEqual({
      disabled: false,
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      url: undefined,
    });
    expect(loadConfig({ env: { OTEL_SERVICE_NAME: 'shop', OTEL_TRACES_SAMPLER: 'always_on' } }).tracing.url).toBeUndefined();
  });

  it('sends to <endpoint>/v1/traces, or to the traces endpoint as it is', () => {
    const url = (env: Record<string, string>) => loadConfig({ env }).tracing.url;
    expect(url({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe('http://collector:4318/v1/traces');
    expect(url({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example/base/' })).toBe('https://otel.example/base/v1/traces');
    expect(
      url({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/spans',
      }),
    ).toBe('http://other:4318/spans');
    expect(url({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
  });

  it('reads the service name and the sampler with its ratio', () => {
    const { tracing } = loadConfig({
      env: { OTEL_SERVICE_NAME: 'shop-relay', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' },
    });
    expect(tracing).toMatchObject({ serviceName: 'shop-relay', sampler: 'parentbased_traceidratio', samplerRatio: 0.25 });
  });

  it('names each bad value and what was expected', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_SDK_DISABLED: 'yes',
    };
    const problems = [
      'OTEL_EXPORTER_OTLP_ENDPOINT (tracing.endpoint): an http:// or https:// URL (got "collector:4318")',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (tracing.tracesEndpoint): an http:// or https:// URL (got "http://")',
      expect.stringMatching(/^OTEL_SDK_DISABLED \(tracing\.disabled\): .*\(got "yes"\)$/),
      expect.stringMatching(/^OTEL_TRACES_SAMPLER \(tracing\.sampler\): .*"parentbased_traceidratio" \(got "sometimes"\)$/),
      'OTEL_TRACES_SAMPLER_ARG (tracing.samplerRatio): expected a ratio from 0 to 1, e.g. 0.25 (got "1.5")',
    ];
    expect(() => loadConfig({ env })).toThrow(expect.objectContaining({ problems }));
  });

  it("leaves alone the OpenTelemetry variables it does not read (the exporter's headers and timeout, other signals)", () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=secret',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-api-key=secret',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'none',
      OTEL_LOGS_EXPORTER: 'none',
      OTEL_PROPAGATORS: 'tracecontext',
      OTEL_LOG_LEVEL: 'info',
    };
    expect(loadConfig({ env }).tracing.url).toBe('http://collector:4318/v1/traces');
  });
});
