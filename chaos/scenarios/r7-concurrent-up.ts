/** Two `kfed up -f FILE --wait` of one federation started at the same moment, 3 times (R7): how many runs. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { workflowIds } from '../../src/contract.js';
import { specToDocument } from '../../src/spec/parse.js';
import { tearDown } from '../../suite/leftovers.js';
import { describeProfile, profiles } from '../../suite/profiles.js';
import type { Group } from '../../suite/run-groups.js';
import { federationSpec } from '../../suite/specs.js';
import { chaosFigures } from '../figures.js';
import { trialSize } from '../trial-size.js';

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

export const concurrentUpScenario: Group = {
  id: 'R7',
  figures: ['R7_runs_started'],
  async run(ctx) {
    const { quick, log } = ctx;
    const { runs: trials, clusters } = trialSize(quick, 3);
    await ctx.inLab(profiles.fast, async (lab) => {
      log(`R7: ${trials} trial(s) of two concurrent kfed up; ${describeProfile(lab.profile)}`);
      const started: number[] = [];
      const lines: string[] = [];
      for (let i = 1; i <= trials; i++) {
        const spec = federationSpec(`r7-${i}`, { clusters });
        const file = join(lab.h.dir, `${spec.name}.yaml`);
        writeFileSync(file, stringify(specToDocument(spec)));
        const from = lab.calls().length;
        const [a, b] = await Promise.all([lab.h.cli(['up', '-f', file, '--wait']), lab.h.cli(['up', '-f', file, '--wait'])]);
        let runs = 0;
        for await (const _ of lab.client.workflow.list({ query: `WorkflowId = '${workflowIds.federation(spec.name)}'` })) runs++;
        const creates = lab.callsSince(from).filter((c) => c.method === 'CreateCluster' && c.result === 'ok' && !c.replayed).length;
        started.push(runs);
        if (a.code === 0) await lab.collectJoinTokens(spec);
        const down = await tearDown(lab, spec);
        const line = `trial ${i}: exits ${a.code}/${b.code} (${firstLine(a.stdout)} | ${firstLine(b.stdout)}), ${runs} run(s), ${creates} CreateCluster for ${clusters} cluster(s)${down.left ? `; left ${down.what}` : ''}`;
        log(`  ${line}`);
        lines.push(line);
      }
      ctx.figures.R7_runs_started = chaosFigures.measured('R7_runs_started', { samples: started, runs: trials, note: `workflow executions with id kfed-<name> after both CLIs returned (visibility list). ${lines.join(' | ')}` });
    });
  },
};
