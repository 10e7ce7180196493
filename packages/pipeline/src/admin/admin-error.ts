import { OutboxError } from '@outbox/errors';

/** How an operator's request failed: the REST API answers 404, 409, 400 or 503 for these. */
export type AdminErrorKind = 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST' | 'UNAVAILABLE';

/** An operator asked for something the pipeline refuses in its current state; nothing was changed. */
export class AdminError extends OutboxError {
  readonly kind: AdminErrorKind;

  constructor(kind: AdminErrorKind, code: string, message: string) {
    super(message, { code });
    this.kind = kind;
  }

  /** The HTTP status an API answers with (read by the server's error handler, like Fastify's own errors). */
  get statusCode(): number {
    return { NOT_FOUND: 404, CONFLICT: 409, BAD_REQUEST: 400, UNAVAILABLE: 503 }[this.kind];
  }
}
