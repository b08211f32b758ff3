import { readLocalState, localEnv } from '../local/state.js';
import { shown } from '../spec/quote.js';
import { ExitCode, ExitError, InternalError, UsageError } from './errors.js';

interface Command {
  readonly summary: string;
  readonly load: () => Promise<{ run: (argv: string[]) => Promise<void>; help: string }>;
}

/** Every command, lazily imported so `kfed validate` never loads Temporal or cloud clients. */
const commands: Record<string, Command> = {
  up: { summary: 'validate a spec and build the federation (attaches to an open run)', load: () => import('./commands/up.js') },
  status: { summary: 'federations, or one federation\'s clusters, steps and conditions', load: () => import('./commands/status.js') },
  watch: { summary: 'live progress of a run until it ends', load: () => import('./commands/watch.js') },
  down: { summary: 'tear a federation down (works on partial state)', load: () => import('./commands/down.js') },
  cancel: { summary: 'cancel the open run of a federation', load: () => import('./commands/cancel.js') },
  rotate: { summary: 'rotate the member credentials KubeFed holds (new tokens, then old ones revoked)', load: () => import('./commands/rotate.js') },
  plan: { summary: 'read-only: what up would create, adopt, change or conflict on', load: () => import('./commands/plan.js') },
  validate: { summary: 'check a spec offline; exit 2 with every problem', load: () => import('./commands/validate.js') },
  kubeconfig: { summary: 'write kube contexts for a federation\'s clusters', load: () => import('./commands/kubeconfig.js') },
  schedule: { summary: 'scheduled rebuilds: create, list, delete, trigger', load: () => import('./commands/schedule.js') },
  local: { summary: 'the offline environment: up, down, status (npm start / npm stop)', load: () => import('./commands/local.js') },
  emulator: { summary: 'run the Cloud DNS + GKE emulator alone', load: () => import('./commands/emulator.js') },
  worker: { summary: 'run a kfed worker (same as npm run worker)', load: () => import('./commands/worker.js') },
};

const usage = `kfed — Kubernetes cluster federations as durable Temporal workflows

Usage: kfed <command> [flags]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`)
  .join('\n')}

Run \`kfed <command> --help\` for a command's flags.

Exit codes: 0 ok · 1 the run failed · 2 bad input · 3 Temporal unreachable · 130 interrupted

Environment:
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE
                        Temporal connection (Temporal's own conventions; default 127.0.0.1:7233)
  KFED_TASK_QUEUE       task queue of the workers (default kfed)
  KFED_TEMPORAL_UI_URL  base URL of the Temporal UI, for links to runs
  KFED_LOCAL_DIR        the local environment's directory (default ./.kfed); when it holds a
                        running environment, commands use it unless TEMPORAL_ADDRESS is set`;

/** Parses the command line, runs the command, and maps errors to exit codes. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name ? ExitCode.Ok : ExitCode.BadInput;
  }
  if (name === '--version' || name === 'version') {
    console.log('kfed 0.1.0');
    return ExitCode.Ok;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(`kfed: unknown command ${shown(name, 40)}\n\n${usage}`);
    return ExitCode.BadInput;
  }
  // The local environment (npm start) is the default target when nothing else is configured.
  const local = readLocalState();
  if (local && !process.env.TEMPORAL_ADDRESS && !process.env.TEMPORAL_PROFILE) {
    for (const [key, value] of Object.entries(localEnv(local))) process.env[key] ??= value;
  }
  const module = await command.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(module.help);
    return ExitCode.Ok;
  }
  try {
    await module.run(rest);
    return ExitCode.Ok;
  } catch (err) {
    if (err instanceof ExitError) {
      if (err.userMessage) console.error(err.userMessage);
      return err.code;
    }
    if (err instanceof UsageError) {
      console.error(`kfed ${name}: ${err.message}\n\n${module.help}`);
      return ExitCode.BadInput;
    }
    if (err instanceof InternalError) {
      console.error(`kfed: internal error: ${err.message}\nThis is a bug in kfed; please report it with the command you ran.`);
      return ExitCode.RunFailed;
    }
    // Anything else is unexpected: the stack is what a bug report needs.
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    // The SDK's own messages ("Failed to start Workflow") keep the server's reason in the cause.
    let cause: unknown = err instanceof Error ? err.cause : undefined;
    for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
      console.error(`caused by: ${cause.message}`);
      cause = cause.cause;
    }
    return ExitCode.RunFailed;
  }
}
