import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { idleShare, machineCpu, treeCpuSeconds } from './support/proc-cpu.js';
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

// The figures beside the timing (#19): what the run's processes used, and whether the machine had
// a core to spare, from the kernel's accounting (proc(5)), not from wall time.
describe('timing reporter: CPU from the kernel', () => {
  it('reads the idle share of the machine from two /proc/stat readings', () => {
    // proc(5): user nice system idle iowait irq softirq steal guest guest_nice, in clock ticks.
    // Guest time is inside user already: counting it again would lower the idle share.
    const a = machineCpu('cpu  1000 0 500 8000 500 0 0 0 900 0\ncpu0 500 0 250 4000 250 0 0 0 450 0\n');
    const b = machineCpu('cpu  1600 0 700 8150 550 0 0 0 1500 0\ncpu0 800 0 350 4075 275 0 0 0 750 0\n');
    expect(a).toEqual({ idle: 8500, total: 10000 });
    // 1 000 ticks passed: 600 user, 200 system, 150 idle, 50 iowait.
    expect(idleShare(a, b)).toBeCloseTo(0.2, 10);
  });

  it('counts the CPU of a process tree: a grandchild still running, and one reaped by its parent', async () => {
    // A parent that starts a child burning 0.3 s of CPU (by its own CPU clock, not the wall's: a
    // loaded machine gives a loop only its share), reaps it, then starts another that burns as
    // much and stays until killed. The parent itself only waits.
    const burn =
      'const u = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; }; while (u() < 300);';
    const script = `
      const { spawnSync, spawn } = require('node:child_process');
      spawnSync(process.execPath, ['-e', ${JSON.stringify(burn)}]);
      const live = spawn(process.execPath, ['-e', ${JSON.stringify(`${burn} process.stdout.write('burnt'); setInterval(() => {}, 1000);`)}], { stdio: ['ignore', 'pipe', 'ignore'] });
      live.stdout.on('data', () => process.stdout.write('ready'));
      process.on('SIGTERM', () => { live.kill('SIGKILL'); process.exit(0); });
    `;
    const parent = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      await new Promise<void>((resolve, reject) => {
        parent.stdout?.on('data', (d) => String(d).includes('ready') && resolve());
        parent.once('exit', () => reject(new Error('parent exited early')));
      });
      const tree = treeCpuSeconds(parent.pid);
      // Both children, each counted once: the reaped one in the parent's cutime, the live one by
      // its own stat. A reader of only one of the two sees 0.3 s and a little start-up; the kernel
      // reports each of the four times truncated to 1/100 s, so both read 0.59 at the least seen.
      expect(tree.children).toBeGreaterThanOrEqual(0.5);
      expect(tree.children).toBeLessThan(3);
      // Waiting costs the parent next to nothing; the children's CPU is not the parent's own.
      expect(tree.own).toBeLessThan(tree.children / 2);
    } finally {
      parent.kill('SIGTERM');
    }
  }, 60_000);
});
