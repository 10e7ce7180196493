import { describeMatrix } from './harness/matrix-suite.ts';
import { chaosMatrix } from './scenarios/all-scenarios.ts';

// 3,000 events per fault over 150 users at 600/s: about 5 s of load to strike in, and enough
// traffic per partition that a fault always lands between events of the same aggregates.
describeMatrix({
  title: 'the chaos matrix: every fault under load, then nothing lost and nothing out of order',
  scenarios: chaosMatrix(),
  size: { events: 3000, aggregates: 150, rate: 600 },
  resultsFile: 'latest.md',
});
