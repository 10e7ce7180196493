import { routeProcessWarnings } from '@outbox/runtime';

// kafkajs' harmless TimeoutNegativeWarning would otherwise interleave with test output.
routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
