import { describe, expect, it } from 'vitest';
import { JobWindow } from './job-window.ts';

describe('JobWindow', () => {
  it('counts a job done once an acknowledgement reaches its last row, partition by partition', () => {
    const window = new JobWindow(2);
    window.enqueued(0, 3);
    window.enqueued(0, 7);
    window.enqueued(1, 5);
    expect(window.counts()).toEqual([2, 1]);
    window.acknowledged(0, [1, 2]); // part of the first job
    expect(window.counts()).toEqual([2, 1]);
    window.acknowledged(0, [3]);
    expect(window.counts()).toEqual([1, 1]);
    window.acknowledged(1, [4, 5]);
    expect(window.counts()).toEqual([1, 0]);
  });

  it('forgets a partition cleared, and a job enqueued below what was acknowledged is already done', () => {
    const window = new JobWindow(1);
    window.enqueued(0, 10);
    window.acknowledged(0, [10]);
    window.enqueued(0, 4); // a stranded row found below the cursors, or an acknowledgement read first
    expect(window.counts()).toEqual([0]);
    window.enqueued(0, 12);
    window.clear(0);
    expect(window.counts()).toEqual([0]);
  });
});
