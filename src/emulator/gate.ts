import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLog, EmulatedApi } from './call-log.js';
import { EmulatorError, httpRendering } from './codes.js';
import type { FaultInjector } from './faults.js';

/** One incoming call, as both protocol layers describe it to the gate. */
export interface GateCall {
  readonly api: EmulatedApi;
  readonly method: string;
  readonly resource: string;
  /** Whether the request carried the emulator's bearer token. */
  readonly authorized: boolean;
}

/** What a handler can tell the call log about its call. */
export interface CallNote {
  replayed?: boolean;
  /** HTTP status of a successful Cloud DNS answer. @default 200 */
  httpStatus?: number;
}

/**
 * The path every API call takes, whatever its protocol: authentication, the fixed per-method
 * latency, injected faults, the handler, and one call-log entry with the outcome.
 */
export class CallGate {
  constructor(
    private readonly log: CallLog,
    private readonly faults: FaultInjector,
    private readonly latencyMs: Readonly<Record<string, number>>,
  ) {}

  /**
   * Runs `handler` unless the call is unauthenticated or a fault fires.
   * @throws EmulatorError for the protocol layer to render (anything else becomes INTERNAL).
   */
  async run<T>(call: GateCall, handler: (note: CallNote) => T | Promise<T>): Promise<T> {
    const started = Date.now();
    const note: CallNote = {};
    const finish = (error?: EmulatorError, injected = false): void => {
      this.log.record({
        time: new Date(started).toISOString(),
        api: call.api,
        method: call.method,
        resource: call.resource,
        result: error ? error.code : 'ok',
        ...(call.api === 'dns' ? { httpStatus: error ? httpRendering(error).status : (note.httpStatus ?? 200) } : {}),
        ...(injected ? { injected } : {}),
        ...(note.replayed ? { replayed: true } : {}),
        durationMs: Date.now() - started,
      });
    };
    if (!call.authorized) {
      const error = new EmulatorError('UNAUTHENTICATED', 'Request had invalid authentication credentials. Expected OAuth 2 access token.');
      finish(error);
      throw error;
    }
    const decision = this.faults.decide(call.api, call.method, call.resource);
    const delay = (this.latencyMs[call.method] ?? 0) + decision.latencyMs;
    if (delay > 0) await sleep(delay);
    if (decision.error) {
      finish(decision.error, true);
      throw decision.error;
    }
    try {
      const result = await handler(note);
      finish();
      return result;
    } catch (err) {
      const error = err instanceof EmulatorError ? err : new EmulatorError('INTERNAL', `emulator error: ${err instanceof Error ? err.message : String(err)}`);
      finish(error);
      throw error;
    }
  }
}
