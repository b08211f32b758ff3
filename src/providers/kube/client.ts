/**
 * A small Kubernetes REST client on client-node's own transport: `KubeConfig` authenticates each
 * request (token, client certificate, exec plugin, CA) and client-node's fetch library sends it.
 *
 * Why not the generated API classes or `KubernetesObjectApi` for writes: both pass the body
 * through client-node's `ObjectSerializer`, which rebuilds known kinds from its model attribute
 * map and silently drops every key it does not know — e.g. `x-kubernetes-preserve-unknown-fields`
 * in a CRD schema, or a misspelt field. kfed sends plain Kubernetes JSON instead, and lets the
 * server check it (`fieldValidation=Strict`).
 *
 * Every request has a deadline, and every failure comes out classified (see ./errors.ts).
 */
import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { ConflictError, NotFoundError } from '../errors.js';
import { BoundedKubeConfig, defaultRequestTimeoutMs } from './bounded-kube-config.js';
import { classifyKubeError } from './errors.js';
import { fieldManager } from './names.js';
import { collectionPath, describeRef, objectPath, refOf, type allNamespaces, type KindRef, type KubeObject, type ObjectRef } from './resources.js';

/** Attempts of a request the server throttles with `Retry-After` (see {@link KubeClient}). */
const maxThrottledAttempts = 5;

/** Options of a {@link KubeClient}. */
export interface KubeClientOptions {
  /**
   * Deadline of each request (connect, send, read the whole answer).
   * @default the KubeConfig's own when it is a {@link BoundedKubeConfig}, else {@link defaultRequestTimeoutMs}
   */
  readonly timeoutMs?: number;
}

/** A list answer. */
interface ObjectList<T> {
  readonly items?: T[];
}

interface Call {
  readonly action: string;
  readonly target: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** The cluster a KubeConfig points at, without a trailing slash. */
export function endpointOf(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error(`kubeconfig has no cluster for its current context "${kc.getCurrentContext()}"`);
  return cluster.server.replace(/\/+$/, '');
}

/** Reads, applies and deletes plain Kubernetes objects on one cluster. */
export class KubeClient {
  /** `https://host:port` of the API server. */
  readonly endpoint: string;
  readonly timeoutMs: number;
  private readonly http = new IsomorphicFetchHttpLibrary();

  constructor(
    private readonly kc: KubeConfig,
    options: KubeClientOptions = {},
  ) {
    this.endpoint = endpointOf(kc);
    this.timeoutMs = options.timeoutMs ?? (kc instanceof BoundedKubeConfig ? kc.requestTimeoutMs : defaultRequestTimeoutMs);
  }

  /**
   * Sends one request; returns the body text of a 2xx answer, throws a classified error otherwise.
   * Like client-go, a 429/503 that carries `Retry-After` (API priority and fairness, a CRD's
   * storage still initialising, an apiserver starting) is retried after the delay it asks for,
   * a few times: the request was not processed, and the wait is usually a second.
   */
  private async request(method: HttpMethod, path: string, call: Call): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const ctx = new RequestContext(`${this.endpoint}${path}`, method);
      for (const [key, value] of Object.entries(call.query ?? {})) ctx.setQueryParam(key, value);
      ctx.setHeaderParam('Accept', 'application/json, */*');
      if (call.body !== undefined) {
        ctx.setHeaderParam('Content-Type', call.contentType ?? 'application/json');
        ctx.setBody(JSON.stringify(call.body));
      }
      try {
        await this.kc.applySecurityAuthentication(ctx);
        // After authentication: it may run an exec plugin, which must not eat into the deadline.
        ctx.setSignal(AbortSignal.timeout(this.timeoutMs));
        const response = await this.http.send(ctx).toPromise();
        const text = await response.body.text();
        if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return text;
        const retryAfter = Number(response.headers['retry-after']);
        if ((response.httpStatusCode === 429 || response.httpStatusCode === 503) && retryAfter >= 0 && attempt < maxThrottledAttempts) {
          await new Promise((r) => setTimeout(r, Math.min(retryAfter, 5) * 1000));
          continue;
        }
        throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', text, response.headers);
      } catch (err) {
        throw classifyKubeError(err, { endpoint: this.endpoint, action: call.action, target: call.target, timeoutMs: this.timeoutMs });
      }
    }
  }

  private async json<T>(method: HttpMethod, path: string, call: Call): Promise<T> {
    return JSON.parse(await this.request(method, path, call)) as T;
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
    try {
      return await this.json<T>(HttpMethod.GET, objectPath(ref), { action: 'read', target: describeRef(ref) });
    } catch (err) {
      if (err instanceof NotFoundError) return undefined;
      throw err;
    }
  }

  /**
   * Objects of a kind, in one namespace (or {@link allNamespaces}) for a namespaced kind, and
   * optionally matching a label selector.
   */
  async list<T extends KubeObject>(
    kind: KindRef,
    options: { readonly namespace?: string | typeof allNamespaces; readonly labelSelector?: string } = {},
  ): Promise<T[]> {
    const query = options.labelSelector ? { labelSelector: options.labelSelector } : undefined;
    const where = typeof options.namespace === 'string' ? ` in ${options.namespace}` : options.namespace ? ' in all namespaces' : '';
    const list = await this.json<ObjectList<T>>(HttpMethod.GET, collectionPath(kind, options.namespace), {
      action: 'list',
      target: `${kind.kind} objects${where}`,
      query,
    });
    return list.items ?? [];
  }

  /**
   * Server-side apply with field manager `kfed`, forcing ownership of the fields kfed sets (as
   * `kubectl apply --server-side --force-conflicts`): kfed's manifests are the desired state.
   * `kind` gives the REST facts (plural, scope) of a kind outside kfed's table.
   */
  async apply<T extends KubeObject>(obj: KubeObject, kind?: KindRef): Promise<T> {
    return this.json<T>(HttpMethod.PATCH, objectPath(refOf(obj, kind)), {
      action: 'apply',
      target: describeRef(refOf(obj)),
      query: { fieldManager, force: 'true', fieldValidation: 'Strict' },
      body: obj,
      contentType: 'application/apply-patch+yaml',
    });
  }

  /**
   * Applies `obj` and says whether that changed anything. A no-op apply does not write, so the
   * resourceVersion stays; comparing it with a read just before tells created/updated/unchanged.
   * (A concurrent write by someone else in between reads as "changed": harmless.)
   */
  async ensure(obj: KubeObject): Promise<{ readonly object: KubeObject; readonly changed: boolean }> {
    const before = await this.get(refOf(obj));
    const object = await this.apply(obj);
    return { object, changed: before?.metadata.resourceVersion !== object.metadata.resourceVersion };
  }

  /** Creates the object (field manager `kfed`); undefined when one of that name already exists. */
  async createIfAbsent<T extends KubeObject>(obj: KubeObject): Promise<T | undefined> {
    const ref = refOf(obj);
    try {
      return await this.json<T>(HttpMethod.POST, collectionPath(ref, ref.namespace), {
        action: 'create',
        target: describeRef(ref),
        query: { fieldManager, fieldValidation: 'Strict' },
        body: obj,
      });
    } catch (err) {
      if (err instanceof ConflictError) return undefined;
      throw err;
    }
  }

  /**
   * Replaces the object; with `metadata.resourceVersion` set this is an optimistic-lock update.
   * `kind` gives the REST facts of a kind outside kfed's table (as for {@link apply}).
   */
  async replace<T extends KubeObject>(obj: KubeObject, kind?: KindRef): Promise<T> {
    const ref = refOf(obj, kind);
    return this.json<T>(HttpMethod.PUT, objectPath(ref), {
      action: 'update',
      target: describeRef(ref),
      query: { fieldManager, fieldValidation: 'Strict' },
      body: obj,
    });
  }

  /** Deletes the object; false when it was already gone. */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.request(HttpMethod.DELETE, objectPath(ref), { action: 'delete', target: describeRef(ref), query: { propagationPolicy: 'Background' } });
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  /**
   * Deletes the object only while it is still at `resourceVersion` (a delete precondition):
   * false when it is gone, StaleObjectError when someone changed it since it was read.
   */
  async deleteIfUnchanged(ref: ObjectRef, resourceVersion: string): Promise<boolean> {
    try {
      await this.request(HttpMethod.DELETE, objectPath(ref), {
        action: 'delete',
        target: describeRef(ref),
        query: { propagationPolicy: 'Background' },
        body: { apiVersion: 'v1', kind: 'DeleteOptions', preconditions: { resourceVersion } },
      });
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      throw err;
    }
  }

  /** Deletes every object of a kind matching the selector; returns how many there were. */
  async deleteCollection(kind: KindRef, options: { readonly namespace?: string; readonly labelSelector: string }): Promise<number> {
    const where = options.namespace ? ` in ${options.namespace}` : '';
    try {
      const list = await this.json<ObjectList<KubeObject>>(HttpMethod.DELETE, collectionPath(kind, options.namespace), {
        action: 'delete',
        target: `${kind.kind} objects${where} labelled ${options.labelSelector}`,
        query: { labelSelector: options.labelSelector, propagationPolicy: 'Background' },
      });
      return list.items?.length ?? 0;
    } catch (err) {
      // The namespace itself is gone: nothing of it is left to delete.
      if (err instanceof NotFoundError) return 0;
      throw err;
    }
  }

  /** Creates a virtual object (a review) and returns the server's answer. */
  async post<T>(path: string, body: unknown, what: string): Promise<T> {
    return this.json<T>(HttpMethod.POST, path, { action: 'create', target: what, body });
  }

  /** GETs a non-resource path such as `/readyz`; returns the body text. */
  async getRaw(path: string): Promise<string> {
    return this.request(HttpMethod.GET, path, { action: 'read', target: path });
  }
}
