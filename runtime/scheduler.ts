/**
 * Local EventBridge Scheduler: one-time `at()` schedules on the runtime's clock, kept on disk so a
 * restart keeps them, fired by invoking the target's local function with the schedule's input.
 *
 * One file per schedule (`<dir>/<group>/<name>.json`): creating or deleting one writes one small
 * file, not the list of every pending schedule (a year's runtime holds an erasure schedule for
 * each dossier closed in the last two years). Memory holds the names only; the record is read
 * from its file when it fires.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
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
  // Reminders and terms of many dossiers fall on the same few moments (09:00 on a working day, the
  // end of a day), and each was a time-zone conversion through the Temporal polyfill: 0.7 % of a
  // simulated year's CPU (#19, session 10). The latest answers are kept, by zone and expression;
  // a refused expression is refused each time. test/scheduler-at.test.ts holds them to
  // atInstantAfresh.
  const key = `${timezone} ${expression}`;
  const known = AT_INSTANTS.get(key);
  if (known !== undefined) {
    // The latest used last: what is used again stays, what is not is forgotten first.
    AT_INSTANTS.delete(key);
    AT_INSTANTS.set(key, known);
    return new Date(known);
  }
  const at = atInstantAfresh(expression, timezone);
  AT_INSTANTS.set(key, at.getTime());
  if (AT_INSTANTS.size > AT_INSTANTS_KEPT) AT_INSTANTS.delete(AT_INSTANTS.keys().next().value as string);
  return at;
}
/** How many answers atInstant keeps: few, as a year's runtime must not grow with its history. */
export const AT_INSTANTS_KEPT = 64;
const AT_INSTANTS = new Map<string, number>();

/** atInstant computed afresh (the judge of the kept answers). */
export function atInstantAfresh(expression: string, timezone = 'UTC'): Date {
  const m = /^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$/.exec(expression);
  if (!m?.[1])
    throw new AwsError(
      'ValidationException',
      `Unsupported schedule expression ${expression}: only at(yyyy-mm-ddThh:mm:ss)`,
    );
  return new Date(Temporal.PlainDateTime.from(m[1]).toZonedDateTime(timezone).epochMilliseconds);
}

export class LocalScheduler {
  /** The pending schedules' keys (`group/name`). */
  private readonly schedules = new Set<string>();
  /** The pending schedules themselves, when kept in memory (`records: 'memory'`: nothing on disk). */
  private readonly records = new Map<string, ScheduleRecord>();

  /**
   * @param dir the folder of the schedules (one file each). A `<dir>.json` list written by an
   *   earlier version is taken over at recover().
   */
  constructor(
    private readonly dir: string,
    private readonly clock: RuntimeClock,
    private readonly targets: Record<string, LocalFunction>,
    /** fsync each schedule file (default true); off for a simulation whose folder is thrown away. */
    private readonly durable = true,
    /** `disk` (the default: a restart keeps them) or `memory` (the simulation: nothing written). */
    private readonly keep: 'disk' | 'memory' = 'disk',
  ) {}

  private key(group: string, name: string) {
    return `${group}/${name}`;
  }

  private fileOf(group: string, name: string) {
    return join(this.dir, encodeURIComponent(group), `${encodeURIComponent(name)}.json`);
  }

  recover(): void {
    if (this.keep === 'memory') return;
    const legacy = `${this.dir.replace(/\/$/, '')}.json`;
    if (existsSync(legacy)) {
      for (const s of JSON.parse(readFileSync(legacy, 'utf8')) as ScheduleRecord[]) this.write(s);
      rmSync(legacy);
    }
    if (!existsSync(this.dir)) return;
    for (const group of readdirSync(this.dir)) {
      for (const f of readdirSync(join(this.dir, group)).filter((n) => n.endsWith('.json'))) {
        const s = JSON.parse(readFileSync(join(this.dir, group, f), 'utf8')) as ScheduleRecord;
        this.schedules.add(this.key(s.groupName, s.name));
        this.arm(s.groupName, s.name, s.at);
      }
    }
  }

  private write(s: ScheduleRecord) {
    if (this.keep === 'memory') {
      this.records.set(this.key(s.groupName, s.name), s);
      return;
    }
    const file = this.fileOf(s.groupName, s.name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomicSync(file, JSON.stringify(s), { fsync: this.durable });
  }

  /**
   * The same write off the event loop (CreateSchedule): written aside, flushed and renamed on
   * libuv's pool. A ladder's first steps create two or three schedules, and each synchronous flush
   * held up every request and ladder meanwhile (#19: 15 % of the work up to an acknowledgement).
   */
  private async writeAside(s: ScheduleRecord) {
    if (this.keep === 'memory') return this.write(s);
    const file = this.fileOf(s.groupName, s.name);
    const folder = dirname(file);
    if (!this.folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      this.folders.add(folder);
    }
    const aside = `${file}.${process.pid}.${++this.written}.tmp`;
    const handle = await open(aside, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(s));
      if (this.durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(aside, file);
  }
  private readonly folders = new Set<string>();
  private written = 0;

  private read(group: string, name: string): ScheduleRecord | undefined {
    if (this.keep === 'memory') return this.records.get(this.key(group, name));
    const file = this.fileOf(group, name);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ScheduleRecord) : undefined;
  }

  private remove(group: string, name: string) {
    this.schedules.delete(this.key(group, name));
    if (this.keep === 'memory') {
      this.records.delete(this.key(group, name));
      return;
    }
    rmSync(this.fileOf(group, name), { force: true });
  }

  private arm(group: string, name: string, at: string) {
    this.clock.at(`schedule:${this.key(group, name)}`, new Date(at), async () => {
      const s = this.read(group, name);
      if (!s) return;
      const fn = this.targets[s.target.Arn];
      if (!fn) throw new Error(`No local target for ${s.target.Arn}`);
      await fn(s.target.Input ? JSON.parse(s.target.Input) : {});
      if (s.deleteAfter) this.remove(group, name);
    });
  }

  async create(name: string, body: Record<string, unknown>): Promise<{ ScheduleArn: string }> {
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
    this.schedules.add(key);
    await this.writeAside(rec);
    // Deleted while its file was being written: the delete removed nothing yet, so remove it now.
    if (!this.schedules.has(key)) this.remove(groupName, name);
    else this.arm(groupName, name, rec.at);
    return { ScheduleArn: `arn:aws:scheduler:eu-west-1:000000000000:schedule/${groupName}/${name}` };
  }

  delete(name: string, groupName = 'default'): void {
    const key = this.key(groupName, name);
    if (!this.schedules.has(key))
      throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist`, 404);
    this.remove(groupName, name);
    this.clock.cancel(`schedule:${key}`);
  }

  get(name: string, groupName = 'default'): ScheduleRecord {
    const s = this.schedules.has(this.key(groupName, name)) ? this.read(groupName, name) : undefined;
    if (!s) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist`, 404);
    return s;
  }

  /** The pending schedules, read from their files. */
  list(): ScheduleRecord[] {
    return [...this.schedules].flatMap((k) => {
      const [group, ...rest] = k.split('/');
      const s = this.read(group as string, rest.join('/'));
      return s ? [s] : [];
    });
  }

  /** How many schedules are pending. */
  size(): number {
    return this.schedules.size;
  }
}
