// Moved to @outbox/kafka (the capture worker reads the dead-letter topic with it too); kept here for its users.
export { readTopicsToEnd, type TopicRecord } from '@outbox/kafka';
export { formatReport } from './format-report.ts';
export { readIdsFile } from './ids-file.ts';
export { toVerifiedEvents } from './to-verified-events.ts';
export { type AggregateProblem, type VerifiedEvent, type VerifyInput, type VerifyReport, verifyEvents } from './verify-events.ts';
