import { ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { workflowIds } from '../../contract.js';
import type { rebuild } from '../../workflows/rebuild.js';
import { fileFlag, outputFlag, parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { age, parseOutputFormat, printJson, table } from '../output.js';
import { readSpecFile } from '../read-spec.js';

export const help = `kfed schedule create NAME -f FILE (--cron EXPR | --every DURATION) [--overlap POLICY]
kfed schedule list [-o json]
kfed schedule delete NAME
kfed schedule trigger NAME

Scheduled rebuilds (teardown, then federate) of a federation, e.g. a nightly test environment:
  kfed schedule create kfed -f examples/federation.yaml --cron "0 3 * * *"
--every takes Temporal durations (30m, 12h, 1d). --overlap decides what happens when a rebuild
is still running at the next time: skip (default), buffer-one, buffer-all, cancel-other,
terminate-other, allow-all.`;

const overlapPolicies: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

function scheduleSpec(cron: string | undefined, every: string | undefined): ScheduleSpec {
  if ((cron === undefined) === (every === undefined)) throw new UsageError('give exactly one of --cron EXPR or --every DURATION');
  if (every !== undefined) {
    if (!/^\d+(ms|s|m|h|d)$/.test(every)) throw new UsageError(`--every "${every}" is not a duration (e.g. 30m, 12h, 1d)`);
    return { intervals: [{ every: every as `${number}${'ms' | 's' | 'm' | 'h' | 'd'}` }] };
  }
  if (cron?.trim().split(/\s+/).length !== 5 && !cron?.startsWith('@')) throw new UsageError(`--cron "${cron ?? ''}" is not a 5-field cron expression (e.g. "0 3 * * *")`);
  return { cronExpressions: [cron] };
}

async function create(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { ...fileFlag, cron: { type: 'string' }, every: { type: 'string' }, overlap: { type: 'string' } });
  const name = requireName(positionals);
  const spec = readSpecFile(values.file);
  if (spec.name !== name) throw new UsageError(`${values.file ?? ''} describes federation ${spec.name}, not ${name}`);
  const timing = scheduleSpec(values.cron, values.every);
  const overlap = overlapPolicies[values.overlap ?? 'skip'];
  if (!overlap) throw new UsageError(`--overlap "${values.overlap ?? ''}" is not one of ${Object.keys(overlapPolicies).join(', ')}`);
  const { client, settings, close } = await connectClient();
  try {
    await client.schedule.create({
      scheduleId: workflowIds.schedule(name),
      spec: timing,
      action: {
        type: 'startWorkflow',
        workflowType: 'rebuild' satisfies typeof rebuild.name,
        args: [spec],
        taskQueue: settings.taskQueue,
        workflowId: workflowIds.schedule(name),
        staticSummary: `scheduled rebuild of ${name}`,
      },
      policies: { overlap },
      memo: { federation: name },
    });
    console.log(`schedule ${workflowIds.schedule(name)} created (${values.cron ? `cron ${values.cron}` : `every ${values.every ?? ''}`}, overlap ${values.overlap ?? 'skip'})`);
  } finally {
    await close();
  }
}

async function list(argv: string[]): Promise<void> {
  const { values } = parseCommand(argv, { ...outputFlag }, 0);
  const format = parseOutputFormat(values.output);
  const { client, close } = await connectClient();
  try {
    const rows: { id: string; next?: Date; recent?: Date; paused: boolean }[] = [];
    for await (const s of client.schedule.list()) {
      if (!s.scheduleId.startsWith('kfed-')) continue;
      rows.push({ id: s.scheduleId, next: s.info.nextActionTimes[0], recent: s.info.recentActions.at(-1)?.takenAt, paused: s.state.paused });
    }
    if (format === 'json') {
      printJson(rows);
      return;
    }
    if (rows.length === 0) {
      console.log('no kfed schedules; create one with: kfed schedule create NAME -f FILE --cron "0 3 * * *"');
      return;
    }
    console.log(table(['SCHEDULE', 'NEXT RUN', 'LAST RUN', 'PAUSED'], rows.map((r) => [r.id, r.next?.toISOString() ?? '', r.recent ? `${age(r.recent.getTime())} ago` : 'never', String(r.paused)])));
  } finally {
    await close();
  }
}

async function withSchedule(argv: string[], action: 'delete' | 'trigger'): Promise<void> {
  const { positionals } = parseCommand(argv, {});
  const name = requireName(positionals);
  const { client, close } = await connectClient();
  try {
    const handle = client.schedule.getHandle(workflowIds.schedule(name));
    if (action === 'delete') await handle.delete();
    else await handle.trigger();
    console.log(`schedule ${handle.scheduleId} ${action === 'delete' ? 'deleted' : 'triggered (a rebuild starts now)'}`);
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      console.error(`kfed: no schedule for federation ${name}`);
      throw new ExitError(ExitCode.BadInput);
    }
    throw err;
  } finally {
    await close();
  }
}

export async function run(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'create':
      return create(rest);
    case 'list':
      return list(rest);
    case 'delete':
      return withSchedule(rest, 'delete');
    case 'trigger':
      return withSchedule(rest, 'trigger');
    default:
      throw new UsageError(sub ? `unknown schedule command "${sub}"` : 'missing schedule command (create, list, delete, trigger)');
  }
}
