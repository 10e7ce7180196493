import { AdminError } from '@outbox/pipeline';
import { ApiError } from './api-error.ts';

const statusOf = { NOT_FOUND: 404, CONFLICT: 409, BAD_REQUEST: 400, UNAVAILABLE: 503 } as const;

/** Runs an admin call; what the pipeline refuses becomes the API's 404, 409, 400 or 503 with its code. */
export async function asApiErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof AdminError) throw new ApiError(statusOf[error.kind], error.code, error.message);
    throw error;
  }
}

/** Who made a request, for the logs of changes it makes: its address, as the server saw it. */
export function requesterOf(request: { ip: string; headers: Record<string, unknown> }): string {
  const agent = request.headers['user-agent'];
  return typeof agent === 'string' && agent ? `${request.ip} (${agent})` : request.ip;
}
