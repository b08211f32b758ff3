/** `npm start` from nothing running, tools built (P6); then `npm stop -- --purge`. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from '../../src/local/exec.js';
import { projectRoot } from '../../src/local/tools.js';
import { secs } from '../../suite/log.js';
import type { Group } from '../../suite/run-groups.js';
import { benchFigures } from '../figures.js';

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' / ');
}

/** `exec` (src/local) from the project root, timed, with both streams as one output. */
async function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number; output: string; ms: number }> {
  const started = Date.now();
  const result = await exec(cmd, args, { cwd: projectRoot, env, timeoutMs });
  return { code: result.code, output: `${result.stdout}\n${result.stderr}`, ms: Date.now() - started };
}

export const npmStartGroup: Group = {
  id: 'P6',
  figures: ['P6'],
  async run(ctx) {
    const runs = 3;
    const times: number[] = [];
    const notes: string[] = [];
    for (let i = 1; i <= runs; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'kfed-bench-p6-'));
      const env: NodeJS.ProcessEnv = { ...process.env, KFED_LOCAL_DIR: join(dir, 'local'), METADATA_SERVER_DETECTION: 'none' };
      delete env.TEMPORAL_ADDRESS;
      try {
        const start = await runCommand('npm', ['start'], env, 900_000);
        const ok = start.code === 0 && start.output.includes('federation run:');
        ctx.log(`  npm start run ${i}: exit ${start.code} in ${secs(start.ms)}${ok ? '' : `\n${lastLines(start.output, 15)}`}`);
        if (ok) times.push(start.ms / 1000);
        else notes.push(`run ${i}: exit ${start.code}: ${lastLines(start.output, 3)}`);
      } finally {
        const stop = await runCommand('npm', ['stop', '--', '--purge'], env, 300_000);
        if (stop.code !== 0) ctx.log(`  npm stop -- --purge: exit ${stop.code}: ${lastLines(stop.output, 5)}`);
        rmSync(dir, { recursive: true, force: true });
      }
      if (times.length === 0) break;
    }
    ctx.figures.P6 =
      times.length === 0
        ? benchFigures.notMeasured('P6', `npm start did not finish a federation: ${notes.join('; ')}`, runs)
        : benchFigures.measured('P6', {
            samples: times,
            runs: times.length,
            note: `wall time of \`npm start\` (Temporal dev server + emulator + worker started from nothing, the 2-cluster examples/federation.yaml federated, kubeconfig written) with the tools cached, each run in a fresh KFED_LOCAL_DIR, then \`npm stop -- --purge\`.${notes.length ? ` ${notes.join('; ')}` : ''}`,
          });
  },
};
