import { KubeConfig, type RequestContext } from '@kubernetes/client-node';

/** Per-request deadline when none is given (15 s): long enough for a busy API server, short enough that a dead one fails fast. */
export const defaultRequestTimeoutMs = 15_000;

/**
 * A KubeConfig whose every request (also through client-node's generated API classes) is
 * aborted after {@link requestTimeoutMs}. Why: client-node sets no deadline of its own, so a
 * server that accepts the connection and never answers would hang an activity until its
 * heartbeat or start-to-close timeout.
 */
export class BoundedKubeConfig extends KubeConfig {
  constructor(readonly requestTimeoutMs: number = defaultRequestTimeoutMs) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
  }
}
