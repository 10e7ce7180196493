// The REST API as the status page calls it. Paths are relative to the page (served at /ui/), so
// the page keeps working behind a proxy that mounts the API under a prefix.

const tokenKey = 'outbox_token';
const apiRoot = new URL('../', location.href);

/** An answer other than 2xx, with the API's own message. */
export class ApiFailure extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * Keeps the token for this tab. The bearer header is what the API checks first; the cookie (named
 * as in bearer-auth.ts) is for requests the page cannot add a header to: its own files and Bull Board.
 */
export function useToken(token) {
  sessionStorage.setItem(tokenKey, token);
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API needs a secure context, and the API may be served over plain HTTP.
  document.cookie = `${tokenKey}=${encodeURIComponent(token)}; Path=/; SameSite=Strict`;
}

/** Calls the API and returns its JSON; throws ApiFailure for an error answer (401 means: ask for the token). */
export async function api(method, path) {
  const token = sessionStorage.getItem(tokenKey);
  let response;
  try {
    response = await fetch(new URL(path, apiRoot), {
      method,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    throw new ApiFailure(0, `the capture worker does not answer (${error.message})`);
  }
  const text = await response.text();
  let body;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (!response.ok) throw new ApiFailure(response.status, body?.message ?? `${response.status} ${response.statusText}`);
  return body;
}
