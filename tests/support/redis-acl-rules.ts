/**
 * The commands the pipeline needs, as docs/production.md ("The ACL user") lists them for an ACL
 * user: what the project's own code sends, what ioredis sends on connecting (CLIENT SETNAME; INFO
 * for its ready check, whose role field also tells it, behind Sentinel, that it reached the
 * master; HELLO needs no permission), and every command BullMQ's Lua scripts can call (Redis
 * checks those against the user too).
 */
export const neededCommands = [
  ...['ping', 'info', 'client|setname', 'multi', 'exec', 'eval', 'evalsha'],
  ...['get', 'set', 'mget', 'incr', 'incrby', 'del', 'unlink', 'exists', 'expire', 'pexpire', 'pexpireat', 'persist'],
  ...['pttl', 'rename', 'type', 'time'],
  ...['hget', 'hset', 'hmset', 'hmget', 'hgetall', 'hdel', 'hexists', 'hlen', 'hincrby', 'hscan'],
  ...['lpush', 'rpush', 'lpop', 'rpop', 'rpoplpush', 'lrange', 'llen', 'lrem', 'lindex', 'lset', 'ltrim', 'lpos'],
  ...['sadd', 'srem', 'smembers', 'scard', 'sismember', 'sscan'],
  ...['zadd', 'zrem', 'zscore', 'zcard', 'zcount', 'zrange', 'zrangebyscore', 'zrevrange', 'zrevrangebyscore'],
  ...['zrangebylex', 'zlexcount', 'zremrangebyscore', 'zremrangebyrank', 'zpopmin', 'bzpopmin'],
  ...['xadd', 'xtrim', 'xlen', 'xrange', 'xread', 'xdel', 'xreadgroup', 'xack', 'xgroup|create'],
];

/** The ACL rule of the pipeline's user: its own keys (the prefix), no channels, only those commands. */
export function pipelineAclRule(prefix: string, password: string, commands = neededCommands): string[] {
  return ['reset', 'on', `>${password}`, `~${prefix}:*`, 'resetchannels', '-@all', ...commands.map((c) => `+${c}`)];
}

/**
 * What the pipeline's clients ask of a sentinel: the master's address, and the other sentinels
 * (ioredis refreshes its list of sentinels from them).
 */
export const sentinelClientCommands = ['sentinel|get-master-addr-by-name', 'sentinel|sentinels'];

/** What a Redis server refused its users since the log was last reset (ACL LOG): `<reason>:<command or key>`. */
export async function aclRefusals(admin: { call(...args: string[]): Promise<unknown> }): Promise<string[]> {
  const entries = (await admin.call('ACL', 'LOG')) as unknown[][];
  return entries.map((entry) => `${entry[entry.indexOf('reason') + 1]}:${entry[entry.indexOf('object') + 1]}`);
}
