import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import { legacyWorkflowIds, workflowIds } from '../../contract.js';
import type { rebuild } from '../../workflows/rebuild.js';
import { fileFlag, outputFlag, parseCommand, requireName } from '../args.js';
import { connectClient } from '../connect.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { age, parseOutputFormat, printJson, table } from '../output.js';
import { readSpecFile } from '../read-spec.js';
import { quote, shown } from '../../spec/quote.js';
import { cronProblem, everyProblem, type Every } from '../schedule-timing.js';

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
  const problem = every !== undefined ? everyProblem(every) : cronProblem(cron ?? '');
  if (problem) throw new UsageError(problem);
  return every !== undefined ? { intervals: [{ every: every as Every }] } : { cronExpressions: [cron ?? ''] };
}

async function create(argv: string[]): Promise<void> {
  const { values, positionals } = parseCommand(argv, { ...fileFlag, cron: { type: 'string' }, every: { type: 'string' }, overlap: { type: 'string' } });
  const name = requireName(positionals);
  const timing = scheduleSpec(values.cron, values.every);
  const overlapName = values.overlap ?? 'skip';
  const overlap = Object.hasOwn(overlapPolicies, overlapName) ? overlapPolicies[overlapName] : undefined;
  if (!overlap) throw new UsageError(`--overlap ${quote(overlapName, 40)} is not one of ${Object.keys(overlapPolicies).join(', ')}`);
  const spec = readSpecFile(values.file);
  if (spec.name !== name) throw new UsageError(`${shown(values.file ?? '')} describes federation ${spec.name}, not ${name}`);
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
    console.log(`schedule ${workflowIds.schedule(name)} created (${values.cron ? `cron ${values.cron}` : `every ${values.every ?? ''}`}, overlap ${overlapName})`);
  } catch (err) {
    if (err instanceof ScheduleAlreadyRunning) {
      throw new ExitError(ExitCode.BadInput, `kfed: federation ${name} already has a schedule (${workflowIds.schedule(name)}); delete it first with: kfed schedule delete ${name}`);
    }
    throw err;
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
      if (!s.scheduleId.startsWith('kfed/') && !s.scheduleId.startsWith('kfed-')) continue;
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
    const current = client.schedule.getHandle(workflowIds.schedule(name));
    // A schedule made by an older kfed still has its old id.
    const handle = (await current.describe().then(() => true, () => false)) ? current : client.schedule.getHandle(legacyWorkflowIds.schedule(name));
    if (action === 'delete') await handle.delete();
    else await handle.trigger();
    console.log(`schedule ${handle.scheduleId} ${action === 'delete' ? 'deleted' : 'triggered (a rebuild starts now)'}`);
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new ExitError(ExitCode.BadInput, `kfed: no schedule for federation ${name}`);
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
