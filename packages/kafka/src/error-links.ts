/** What the classifiers read of an error or one of its causes, from either Kafka client. */
export interface ErrorLink {
  name?: string;
  message?: string;
  /** kafkajs: the broker's error type (`MESSAGE_TOO_LARGE`). */
  type?: string;
  /** @platformatic/kafka: the broker's error type. */
  apiId?: string;
  /** @platformatic/kafka's own class (`PLT_KFK_NETWORK`), or Node's (`ECONNRESET`, `CERT_HAS_EXPIRED`). */
  code?: unknown;
  retriable?: boolean;
  broker?: unknown;
}

/** The broker's error type a link carries, whichever client made it. */
export const brokerErrorType = (link: ErrorLink): string | undefined =>
  typeof link.type === 'string' ? link.type : typeof link.apiId === 'string' ? link.apiId : undefined;

/** Whether a link is one of @platformatic/kafka's errors. */
export const isPlatformaticError = (link: ErrorLink): boolean =>
  typeof link.code === 'string' && link.code.startsWith('PLT_KFK_');

/**
 * The error and its causes, outermost first. kafkajs keeps a cause in `originalError` or `cause`;
 * @platformatic/kafka also gathers several in `errors` (one per attempt, or per broker), which are
 * visited latest first, so the last attempt's failure comes before the first's.
 */
export function errorLinks(error: unknown, limit = 32): ErrorLink[] {
  const links: ErrorLink[] = [];
  const visit = (current: unknown) => {
    if (typeof current !== 'object' || current === null || links.length >= limit) return;
    links.push(current as ErrorLink);
    const next = current as { originalError?: unknown; cause?: unknown; errors?: unknown };
    visit(next.originalError ?? next.cause);
    if (Array.isArray(next.errors)) for (const inner of [...next.errors].reverse()) visit(inner);
  };
  visit(error);
  return links;
}
