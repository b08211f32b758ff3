// Workflows used only by the substrate tests (bundled by the Temporal worker).
import { proxyActivities, sleep } from '@temporalio/workflow';

interface SubstrateActivities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<SubstrateActivities>({ startToCloseTimeout: '10s' });

/** One activity, then done. */
export async function greetOnce(name: string): Promise<string> {
  return greet(name);
}

/** Sleeps on a durable timer, then runs an activity: survives a server restart in between. */
export async function sleepThenGreet(name: string, sleepMs: number): Promise<string> {
  await sleep(sleepMs);
  return greet(name);
}
