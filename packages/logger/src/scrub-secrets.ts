const redacted = '[redacted]';

/** `"name":"auth"|"hello","args":[…]` as ioredis serializes a command on its errors (`err.command`). */
const redisCommand = /"name":"(auth|hello)","args":(\[(?:"(?:[^"\\]|\\.)*"|[^\]"])*\])/gi;

/**
 * Secrets this short would match everywhere (a password `1` would blank every 1 in the log):
 * they are hidden only where a whole value equals them.
 */
const minSubstringLength = 4;

/**
 * Returns a function that removes secrets from one serialized JSON log line: the password that
 * ioredis keeps in the arguments of a failed AUTH or HELLO … AUTH (whatever key the error sits
 * under, however deep), and every configured secret wherever it appears — in a message, a stack, a
 * URL (also percent-encoded) or any field. It works on the line, not on the object, because a
 * secret can ride on anything: an error's own fields, its cause, a header, a URL in a message.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = [...new Set(secrets.filter((s) => s.length > 0).flatMap((s) => [s, encodeURIComponent(s)]))]
    .map((s) => JSON.stringify(s).slice(1, -1))
    // The longest first, so a secret that contains another is hidden whole.
    .sort((a, b) => b.length - a.length);
  const anywhere = forms.filter((s) => s.length >= minSubstringLength);
  const whole = forms.filter((s) => s.length < minSubstringLength).map((s) => `"${s}"`);
  return (line) => {
    let out = line.includes('"args":[') ? line.replace(redisCommand, scrubCommand) : line;
    for (const secret of anywhere) if (out.includes(secret)) out = out.replaceAll(secret, redacted);
    for (const value of whole) if (out.includes(value)) out = out.replaceAll(value, `"${redacted}"`);
    return out;
  };
}

/** AUTH [user] password: all of it; HELLO protover AUTH user password …: what follows AUTH. */
function scrubCommand(match: string, name: string, argsJson: string): string {
  let args: unknown[];
  try {
    args = JSON.parse(argsJson) as unknown[];
  } catch {
    return `"name":"${name}","args":["${redacted}"]`;
  }
  const authAt = name.toLowerCase() === 'auth' ? 0 : args.findIndex((a) => String(a).toUpperCase() === 'AUTH') + 1;
  if (authAt <= 0 && name.toLowerCase() !== 'auth') return match;
  const scrubbed = args.map((arg, i) => (i >= authAt ? redacted : arg));
  return `"name":"${name}","args":${JSON.stringify(scrubbed)}`;
}
