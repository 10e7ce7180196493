import { routeProcessWarnings } from '@outbox/runtime';
import { buildProgram } from './program.ts';

routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
await buildProgram(process.env).parseAsync(process.argv);
