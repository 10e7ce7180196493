import { routeProcessWarnings } from '@outbox/runtime';

// Warnings go to stderr as one line each, not Node's multi-line default.
routeProcessWarnings((warning) => process.stderr.write(`warning: ${warning.message}\n`));
