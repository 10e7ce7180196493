export { formatReport } from './format-report.ts';
export { readIdsFile } from './ids-file.ts';
export { readTopicsToEnd, type TopicRecord } from './read-topics.ts';
export { toVerifiedEvents } from './to-verified-events.ts';
export { type AggregateProblem, type VerifiedEvent, type VerifyInput, type VerifyReport, verifyEvents } from './verify-events.ts';
