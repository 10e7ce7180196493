import { OutboxError } from '@outbox/errors';

/** How an operator's request failed: the REST API answers 404, 409 or 400 for these. */
export type AdminErrorKind = 'NOT_FOUND' | 'CONFLICT' | 'BAD_REQUEST';

/** An operator asked for something the pipeline refuses in its current state; nothing was changed. */
export class AdminError extends OutboxError {
  readonly kind: AdminErrorKind;

  constructor(kind: AdminErrorKind, code: string, message: string) {
    super(message, { code });
    this.kind = kind;
  }
}
