import { OutboxError } from '@outbox/errors';
import type { z } from 'zod';

/**
 * An error the REST API answers with its own status: `{ error_code, code, message }`, the shape of
 * Kafka Connect's errors plus a code scripts can match on.
 */
export class ApiError extends OutboxError {
  readonly statusCode: number;
  readonly details: unknown;

  constructor(statusCode: number, code: string, message: string, details?: unknown) {
    super(message, { code });
    this.statusCode = statusCode;
    this.details = details;
  }
}

/** Parses request input with a zod schema; anything wrong is a 400 listing every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '(body)'),
    message: issue.message,
  }));
  throw new ApiError(
    400,
    'BAD_REQUEST',
    `invalid ${what}: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}; nothing was changed`,
    fields,
  );
}
