import { describe, expect, it } from 'vitest';
import { idleWorkers } from './support/timing-reporter.js';

// The idle figure `.ci/run` prints (#19: what the second core waits for at the end of a run).
describe('timing reporter: workers without a file', () => {
  it('counts the seconds each worker had no file, and names the files of the last stretch', () => {
    // Two workers: a runs 0-10, b 0-4, c 4-6, then nothing on the second worker until a ends; d alone 11-15.
    const spans = [
      { file: 'a', queued: 0, ended: 10 },
      { file: 'b', queued: 0, ended: 4 },
      { file: 'c', queued: 4, ended: 6 },
      { file: 'd', queued: 11, ended: 15 },
    ];
    const r = idleWorkers(spans, 2);
    expect(r.wall).toBe(15);
    // 6-10: one worker idle (4); 10-11: both (2); 11-15: one (4).
    expect(r.idle).toBe(10);
    expect(r.tail).toEqual({ from: 6, files: ['a', 'd'] });
  });

  it('counts nothing while every worker has a file', () => {
    const r = idleWorkers(
      [
        { file: 'a', queued: 0, ended: 5 },
        { file: 'b', queued: 0, ended: 5 },
      ],
      2,
    );
    expect(r).toEqual({ wall: 5, idle: 0, tail: { from: 5, files: [] } });
  });
});
