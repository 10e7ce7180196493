/** Anything long-lived: started once, closed once (a second `close()` returns the same promise). */
export interface Service {
  close(): Promise<void>;
}

/** Wraps an async function so that every call after the first gets the first call's promise. */
export function onceAsync(fn: () => Promise<void>): () => Promise<void> {
  let promise: Promise<void> | undefined;
  return () => (promise ??= fn());
}

/**
 * Collects what a component acquired so it can be released in reverse order. Every release runs
 * even when an earlier one failed; all failures are reported together.
 */
export class Releasers {
  readonly #releasers: { name: string; release: () => unknown }[] = [];

  add(name: string, release: () => unknown): void {
    this.#releasers.push({ name, release });
  }

  async releaseAll(): Promise<void> {
    const errors: Error[] = [];
    for (const { name, release } of this.#releasers.splice(0).reverse()) {
      try {
        await release();
      } catch (error) {
        errors.push(new Error(`closing ${name} failed: ${(error as Error).message}`, { cause: error }));
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} resources failed to close`);
  }
}

/**
 * Builds a long-lived component from what `build` acquires through `releasers`. If building fails,
 * everything acquired so far is released before the error goes on; `close()` releases it all.
 */
export async function buildService<T extends object>(build: (releasers: Releasers) => Promise<T>): Promise<T & Service> {
  const releasers = new Releasers();
  try {
    const parts = await build(releasers);
    return { ...parts, close: onceAsync(() => releasers.releaseAll()) };
  } catch (error) {
    await releasers.releaseAll().catch(() => undefined);
    throw error;
  }
}
