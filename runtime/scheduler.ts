/**
 * Local EventBridge Scheduler: one-time `at()` schedules on the runtime's clock, kept on disk so a
 * restart keeps them, fired by invoking the target's local function with the schedule's input.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Temporal } from 'temporal-polyfill';
import { sync as writeFileAtomicSync } from 'write-file-atomic';
import type { RuntimeClock } from './clock.js';
import { AwsError, type LocalFunction } from './stepfunctions.js';

export interface ScheduleRecord {
  name: string;
  groupName: string;
  expression: string;
  timezone: string;
  at: string;
  target: { Arn: string; Input?: string; RoleArn?: string };
  deleteAfter: boolean;
}

/** The instant of `at(yyyy-mm-ddThh:mm:ss)` in a time zone. */
export function atInstant(expression: string, timezone = 'UTC'): Date {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!m?.[1])
    throw new AwsError(
      'ValidationException',
      `Unsupported schedule expression ${expression}: only at(yyyy-mm-ddThh:mm:ss)`,
    );
  return new Date(Temporal.PlainDateTime.from(m[1]).toZonedDateTime(timezone).epochMilliseconds);
}

export class LocalScheduler {
  private readonly schedules = new Map<string, ScheduleRecord>();

  constructor(
    private readonly file: string,
    private readonly clock: RuntimeClock,
    private readonly targets: Record<string, LocalFunction>,
  ) {}

  private key(group: string, name: string) {
    return `${group}/${name}`;
  }

  recover(): void {
    if (!existsSync(this.file)) return;
    for (const s of JSON.parse(readFileSync(this.file, 'utf8')) as ScheduleRecord[]) {
      this.schedules.set(this.key(s.groupName, s.name), s);
      this.arm(s);
    }
  }

  private persist() {
    writeFileAtomicSync(this.file, JSON.stringify([...this.schedules.values()]));
  }

  private arm(s: ScheduleRecord) {
    this.clock.at(`schedule:${this.key(s.groupName, s.name)}`, new Date(s.at), async () => {
      const fn = this.targets[s.target.Arn];
      if (!fn) throw new Error(`No local target for ${s.target.Arn}`);
      await fn(s.target.Input ? JSON.parse(s.target.Input) : {});
      if (s.deleteAfter) {
        this.schedules.delete(this.key(s.groupName, s.name));
        this.persist();
      }
    });
  }

  create(name: string, body: Record<string, unknown>): { ScheduleArn: string } {
    const groupName = String(body.GroupName ?? 'default');
    const key = this.key(groupName, name);
    if (this.schedules.has(key)) throw new AwsError('ConflictException', `Schedule ${name} already exists`, 409);
    const expression = String(body.ScheduleExpression ?? '');
    const timezone = String(body.ScheduleExpressionTimezone ?? 'UTC');
    if (!(body.FlexibleTimeWindow as { Mode?: string } | undefined)?.Mode) {
      throw new AwsError('ValidationException', 'FlexibleTimeWindow is required');
    }
    const target = body.Target as ScheduleRecord['target'] | undefined;
    if (!target?.Arn) throw new AwsError('ValidationException', 'Target.Arn is required');
    const rec: ScheduleRecord = {
      name,
      groupName,
      expression,
      timezone,
      at: atInstant(expression, timezone).toISOString(),
      target,
      deleteAfter: body.ActionAfterCompletion === 'DELETE',
    };
    this.schedules.set(key, rec);
    this.persist();
    this.arm(rec);
    return { ScheduleArn: `arn:aws:scheduler:eu-west-1:000000000000:schedule/${groupName}/${name}` };
  }

  delete(name: string, groupName = 'default'): void {
    const key = this.key(groupName, name);
    if (!this.schedules.delete(key))
      throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist`, 404);
    this.clock.cancel(`schedule:${key}`);
    this.persist();
  }

  get(name: string, groupName = 'default'): ScheduleRecord {
    const s = this.schedules.get(this.key(groupName, name));
    if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist`, 404);
    return s;
  }

  list(): ScheduleRecord[] {
    return [...this.schedules.values()];
  }
}
