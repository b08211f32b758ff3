/**
 * The Temporal server SIGKILLed at a random moment of a run and started again on its database,
 * 3 times (R2). Last in the suite: in quick mode it kills the server of the shared environment.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { seededRandom } from '../../src/emulator/index.js';
import { waitFor, WaitTimeoutError } from '../../src/local/wait.js';
import type { Lab } from '../../suite/lab.js';
import { tearDown } from '../../suite/leftovers.js';
import { secs } from '../../suite/log.js';
import { keepTrials } from '../../suite/lost-runs.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { duplicateCreates } from '../checks.js';
import { allOf, chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';
import { runningSteps } from '../running-steps.js';

/**
 * The status a run closes with ('TIMEOUT' or 'LOST' when given up on), read through a
 * connection of its own that is made again after any error: the lab's may have broken with the
 * server.
 */
async function closedStatus(lab: Lab, workflowId: string, runId: string, timeoutMs: number, broken: () => boolean): Promise<string> {
  const { address, namespace } = lab.h.temporal;
  let connection: Connection | undefined;
  let status = 'RUNNING';
  try {
    await waitFor(
      `${workflowId} to close`,
      async () => {
        try {
          connection ??= await Connection.connect({ address, connectTimeout: 2000 });
          status = (await new Client({ connection, namespace }).workflow.getHandle(workflowId, runId).describe()).status.name;
        } catch {
          // The server is not back yet: connect again next time.
          await connection?.close().catch(() => undefined);
          connection = undefined;
          return false;
        }
        if (status === 'RUNNING' && broken()) status = 'LOST';
        return status !== 'RUNNING';
      },
      { timeoutMs, intervalMs: 500 },
    );
    return status;
  } catch (err) {
    if (err instanceof WaitTimeoutError) return 'TIMEOUT';
    throw err;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

interface ServerKillRun {
  readonly lost: boolean;
  readonly completed: boolean;
}

export const serverKillsScenario: Group = {
  id: 'R2',
  figures: ['R2_completed'],
  async run(ctx) {
    const { quick, log } = ctx;
    const { runs, clusters } = trialSize(quick, 3);
    const draw = seededRandom(7);
    // Its own environment: a killed server must not disturb the other scenarios' histories.
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R2: ${runs} run(s), Temporal server SIGKILLed mid-run and restarted; ${describeProfile(lab.profile)}`);
      // Every run's line, in order, lost ones included.
      const lines: string[] = [];
      const { trials } = await keepTrials(
        runs,
        async (i): Promise<ServerKillRun> => {
          const spec = federationSpec(`r2-${i}`, { clusters });
          const startedAt = Date.now();
          const run = await lab.startFederate(spec);
          const killAfter = Math.round(1000 + draw() * (quick ? 3000 : 12_000));
          await sleep(killAfter);
          const phase = await runningSteps(run.handle);
          await lab.h.temporal.kill();
          await sleep(2000);
          await lab.h.temporal.start();
          let strikes = 0;
          // ~10 s of a RUNNING kwok cluster missing a process: the substrate broke (see Lab.outcome).
          const broken = (): boolean => {
            strikes = lab.unhealthyBacking(true).length > 0 ? strikes + 1 : 0;
            return strikes > 20;
          };
          const status = await closedStatus(lab, run.workflowId, run.runId, 900_000, broken);
          const endedAt = Date.now();
          // A run given up on must not go on working behind the next one.
          if (status === 'TIMEOUT' || status === 'LOST') await run.handle.terminate(`fault suite gave up: ${status}`).catch(() => undefined);
          const sick = status === 'COMPLETED' ? [] : lab.unhealthyBacking();
          const workerAlive = lab.worker?.child.exitCode === null && lab.worker.child.signalCode === null;
          if (!workerAlive) await lab.startWorker();
          if (status === 'LOST') {
            await tearDown(lab, spec);
            log(`  run ${i}: lost to the substrate, replaced`);
            lines.push(`run ${i}: lost to the substrate (${sick.join('; ')}), replaced`);
            return { lost: true, completed: false };
          }
          if (status === 'COMPLETED') await lab.collectJoinTokens(spec);
          const dup = duplicateCreates(lab.calls().filter((c) => Date.parse(c.time) >= startedAt));
          const down = await tearDown(lab, spec);
          const line = `run ${i}: server killed at ${secs(killAfter)} (${phase}), back after 2 s → ${status} in ${secs(endedAt - startedAt)}${sick.length ? ` [substrate: ${sick.join('; ')}]` : ''}${workerAlive ? '' : '; the worker had exited and was restarted'}${dup.count ? `; duplicates ${dup.what.join(', ')}` : ''}${down.left ? `; left ${down.what}` : ''}`;
          log(`  ${line}`);
          lines.push(line);
          return { lost: false, completed: status === 'COMPLETED' };
        },
        (r) => r.lost,
      );
      ctx.figures.R2_completed = chaosFigures.measured('R2_completed', {
        samples: [trials.filter((t) => t.completed).length],
        goal: allOf(runs),
        runs,
        note: `${clusters}-cluster runs; the same worker process throughout unless noted. ${lines.join(' | ')}`,
      });
    });
  },
};
