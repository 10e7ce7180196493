import { OutboxError } from '@outbox/errors';

/** A call to the REST API failed; the message says why in words a user can act on. */
export class ApiCallError extends OutboxError {
  readonly status: number | null;
  /** The API's `details`: for a 400, every field or config key at fault with its message. */
  readonly details: unknown;

  constructor(message: string, status: number | null, cause?: unknown, details?: unknown) {
    super(message, { code: 'API_CALL_FAILED', cause });
    this.status = status;
    this.details = details;
  }
}

/** The REST API as the CLI and tests use it: JSON in and out, the API's own errors as messages. */
export class ConnectorApiClient {
  readonly #baseUrl: string;
  readonly #token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
  }

  /** `timeoutMs`: how long to wait for the answer. @defaultValue 30000 */
  async request<T>(
    method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const url = `${this.#baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ApiCallError(
        `cannot reach the REST API at ${this.#baseUrl} (${reason}): is the capture worker running? (OUTBOX_API_URL sets the address)`,
        null,
        error,
      );
    }
    const text = await response.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!response.ok) {
      const answer = json as { message?: string; details?: unknown } | undefined;
      const message = answer?.message ?? response.statusText;
      throw new ApiCallError(`${method} ${path} → ${response.status}: ${message}`, response.status, undefined, answer?.details);
    }
    return json as T;
  }
}
