import { Connection } from '@temporalio/client';
// NOTE: a default import: the generated CommonJS module has no named exports Node's ESM loader can see.
import proto from '@temporalio/proto';

const { temporal } = proto;

/**
 * Identities (`pid@host` by default) of the workers recently polling a task queue's workflow
 * tasks; empty when the server cannot be reached. Temporal keeps a poller listed for a while
 * after it stops, so callers waiting for a new worker look for its own identity.
 */
export async function taskQueuePollers(address: string, namespace: string, taskQueue: string): Promise<string[]> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    const response = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return response.pollers.map((p) => p.identity ?? '');
  } catch {
    return [];
  } finally {
    await connection?.close().catch(() => undefined);
  }
}
