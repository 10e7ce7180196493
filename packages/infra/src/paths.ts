import { fileURLToPath } from 'node:url';

/** The checkout this package lives in: infra/ files and the .tools/ and .data/ folders hang off it. */
export const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));
