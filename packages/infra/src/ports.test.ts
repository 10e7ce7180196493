import { describe, expect, it } from 'vitest';
import { freePort, isPortFree } from './ports.ts';

describe('freePort', () => {
  // 1,500 binds to port 0 land on one port twice dozens of times over the kernel's ephemeral range;
  // a broker given the same port for two listeners refuses to start.
  it('never hands out the same port twice in one process', async () => {
    const ports: number[] = [];
    for (let i = 0; i < 1_500; i += 1) ports.push(await freePort());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('hands out a port nothing listens on', async () => {
    expect(await isPortFree(await freePort())).toBe(true);
  });
});
