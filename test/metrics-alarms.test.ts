/**
 * Metrics match alarms. CloudWatch alarms on a metric by namespace, name and the exact set of
 * dimensions: a metric emitted with one dimension more is another metric, and the alarm stays
 * silent forever. This runs the functions' own emission (Powertools Metrics, EMF on stdout, with
 * the environment the stack gives them) and checks every alarm on a custom metric in every
 * synthesised template against what was emitted.
 */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { metricsObserver } from '../lambdas/observability.js';
import { functionEnvironment } from '../lib/handlers.js';
import { type Synthesised, synthesised } from './support/synth.js';

interface Emitted {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** The metrics in EMF documents (the `_aws.CloudWatchMetrics` directive and the values beside it). */
function parseEmf(lines: string[]): Emitted[] {
  const out: Emitted[] = [];
  for (const line of lines) {
    let doc: any;
    try {
      doc = JSON.parse(line);
    } catch {
      continue;
    }
    for (const directive of doc?._aws?.CloudWatchMetrics ?? [])
      for (const set of directive.Dimensions as string[][])
        for (const metric of directive.Metrics as { Name: string }[])
          out.push({
            namespace: directive.Namespace,
            name: metric.Name,
            dimensions: Object.fromEntries(set.map((d) => [d, String(doc[d])])),
          });
  }
  return out;
}

/** Runs `emit` with the functions' environment and returns what it wrote as EMF. */
function emitted(emit: () => void): Emitted[] {
  const env = functionEnvironment();
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: any) => {
    lines.push(...String(chunk).split('\n'));
    return true;
  });
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    emit();
  } finally {
    spy.mockRestore();
    log.mockRestore();
    process.env = saved;
  }
  return parseEmf(lines);
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

let synth: Synthesised;
beforeAll(() => {
  synth = synthesised();
}, 600_000);
afterEach(() => vi.restoreAllMocks());

describe('metrics match alarms', () => {
  it('every alarm on a klachtflow metric watches a metric the functions emit, dimension for dimension', () => {
    let checked = 0;
    for (const stack of synth.stacks) {
      const regulation = JSON.stringify(stack.template.Description ?? '').match(/\(([a-z0-9-]+)\)/)?.[1] ?? '';
      // Every emission of the functions' observer, with Powertools constructed as in Lambda.
      const metrics = emitted(() => {
        const observer = metricsObserver(new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE }));
        observer.deadlineBreached({ regulationId: regulation });
        observer.letterFailed({ regulationId: regulation });
        observer.letterBounced({ regulationId: regulation });
        observer.intakeRecovered({ regulationId: regulation, started: 1 });
        observer.schedulesRecovered({ regulationId: regulation, rescheduled: 1 });
      });
      expect(metrics.length, stack.stackName).toBeGreaterThan(0);
      const alarms = Object.entries(stack.template.Resources).filter(
        ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && !String(r.Properties.Namespace ?? 'AWS/').startsWith('AWS/'),
      );
      expect(alarms.length, stack.stackName).toBeGreaterThan(0);
      for (const [id, alarm] of alarms) {
        const p = alarm.Properties;
        const dimensions = Object.fromEntries(
          (p.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]),
        );
        const match = metrics.find(
          (m) => m.namespace === p.Namespace && m.name === p.MetricName && same(m.dimensions, dimensions),
        );
        expect(
          match,
          `${stack.stackName} ${id} watches ${p.Namespace}/${p.MetricName} ${JSON.stringify(dimensions)}; emitted: ${JSON.stringify(metrics)}`,
        ).toBeDefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(synth.stacks.length);
  });
});
