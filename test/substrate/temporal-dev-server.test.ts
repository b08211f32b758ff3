import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TemporalDevServer, isTemporalServing } from '../../src/local/temporal-dev-server.js';
import { scratchDir, testToolchain } from '../support/substrate.js';
import type { greetOnce, sleepThenGreet } from './substrate-workflows.js';

const workflowsPath = fileURLToPath(new URL('./substrate-workflows.ts', import.meta.url));
const activities = { greet: (name: string): Promise<string> => Promise.resolve(`hello ${name}`) };

describe('TemporalDevServer', () => {
  const dir = scratchDir('temporal');
  let server: TemporalDevServer;

  beforeAll(async () => {
    const tools = await testToolchain();
    server = new TemporalDevServer({ binary: tools.temporal, dbFile: `${dir.path}/temporal.db`, logFile: `${dir.path}/server.log` });
    await server.start();
  });

  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  async function withWorker<T>(taskQueue: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await NativeConnection.connect({ address: server.address });
    const clientConnection = await Connection.connect({ address: server.address });
    try {
      const worker = await Worker.create({ connection, taskQueue, workflowsPath, activities, namespace: server.namespace });
      const client = new Client({ connection: clientConnection, namespace: server.namespace });
      return await worker.runUntil(fn(client));
    } finally {
      await clientConnection.close();
      await connection.close();
    }
  }

  it('serves the gRPC frontend and the web UI on the ports it reports', async () => {
    expect(await isTemporalServing(server.address, server.namespace)).toBe(true);
    const ui = await fetch(server.uiUrl);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('<html');
  });

  it('runs a workflow with one activity to completion', async () => {
    const result = await withWorker('substrate-once', (client) =>
      client.workflow.execute<typeof greetOnce>('greetOnce', { taskQueue: 'substrate-once', workflowId: 'greet-once', args: ['kfed'] }),
    );
    expect(result).toBe('hello kfed');
  });

  it('completes a workflow that was sleeping while the server restarted with the same database', async () => {
    const address = server.address;
    const connection = await Connection.connect({ address });
    const client = new Client({ connection, namespace: server.namespace });
    const handle = await client.workflow.start<typeof sleepThenGreet>('sleepThenGreet', {
      taskQueue: 'substrate-restart',
      workflowId: 'sleep-then-greet',
      args: ['durable', 3000],
    });
    // Let a worker pick up the first workflow task so the timer is recorded in history.
    await withWorker('substrate-restart', async (c) => {
      for (let i = 0; i < 50; i++) {
        const history = await c.workflow.getHandle(handle.workflowId).fetchHistory();
        if (history.events?.some((e) => e.timerStartedEventAttributes)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('timer never started');
    });
    await connection.close();

    const serverPid = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(serverPid);
    expect(server.address).toBe(address);

    const result = await withWorker('substrate-restart', (c) => c.workflow.getHandle<typeof sleepThenGreet>(handle.workflowId).result());
    expect(result).toBe('hello durable');
  });
});
