import { parseCommand } from '../args.js';
import { UsageError } from '../errors.js';
import { memberRoleLabel } from '../../ownership.js';
import { shown } from '../../spec/quote.js';

export const help = `kfed emulator [--port P] [--state FILE | --state-dir DIR] [--provisioning-delay-ms MS] [--pod-logs-dir DIR] [--delete-clusters-on-exit]

Runs the offline Google Cloud emulator: Cloud DNS v1 REST (and its admin API) on port P, GKE
ClusterManager v1 gRPC on P+1. Every emulated GKE cluster is a real local Kubernetes cluster
(kwok). State (zones, clusters, operations, the access token) lives in FILE's directory and
survives a restart; clusters keep running between runs unless --delete-clusters-on-exit.
It prints the variables that point kfed at it (KFED_DNS_ENDPOINT, KFED_GKE_ENDPOINT,
KFED_GCP_ACCESS_TOKEN_FILE). Stops on Ctrl-C / SIGTERM.
With --pod-logs-dir, it runs the real programs of the images it knows (the KubeFed
controller-manager) for the clusters' pods, as GKE's nodes would, logging under DIR/<cluster>/.
Member clusters (kfed's member role label) run no kube-scheduler.`;

/** An integer flag within [min, max]; anything else is a usage error naming the flag and range. */
function integerFlag(value: string | undefined, flag: string, min: number, max: number, why: string): number | undefined {
  if (value === undefined) return undefined;
  const n = /^[0-9]{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max} (${why}), got ${shown(value, 40)}`);
  return n;
}

/** Highest REST port: the GKE API listens on the next one, which must be a port too. */
const maxPort = 65534;

export async function run(argv: string[]): Promise<void> {
  const { values } = parseCommand(
    argv,
    {
      port: { type: 'string', short: 'p' },
      state: { type: 'string' },
      'state-dir': { type: 'string' },
      'provisioning-delay-ms': { type: 'string' },
      'delete-clusters-on-exit': { type: 'boolean' },
      'pod-logs-dir': { type: 'string' },
    },
    0,
  );
  const port = integerFlag(values.port, 'port', 1, maxPort, 'the GKE API listens on port P+1');
  const delay = integerFlag(values['provisioning-delay-ms'], 'provisioning-delay-ms', 0, 600_000, 'at most 10 minutes');
  const { runEmulator } = await import('../../emulator/main.js');
  await runEmulator({
    ...(port !== undefined ? { port } : {}),
    ...(values.state ? { stateFile: values.state } : {}),
    ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    ...(delay !== undefined ? { provisioningDelayMs: delay } : {}),
    ...(values['pod-logs-dir'] ? { podLogsDir: values['pod-logs-dir'] } : {}),
    unscheduledLabel: memberRoleLabel,
    deleteClustersOnExit: values['delete-clusters-on-exit'] ?? false,
  });
}
