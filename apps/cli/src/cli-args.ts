import { InvalidArgumentError } from 'commander';

/** The process environment, which only the CLI's entry reads and hands down. */
export type Env = Record<string, string | undefined>;

/** A whole number ≥ min, for commander options; anything else is a clear usage error. */
export function wholeNumber(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number >= ${min}, got "${value}"`);
    }
    return n;
  };
}
