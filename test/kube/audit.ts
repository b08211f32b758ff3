/**
 * The API server's own record of every request the test user made, to prove that a read-only
 * call sent nothing but reads. Stronger than comparing resourceVersions: a no-op apply or a
 * dry-run writes nothing, yet is a write request that read-only credentials may not make.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testUser } from './support.js';

/** An audit log of one cluster's API server. */
export interface AuditLog {
  /** kube-apiserver flags that turn it on (pass as `apiserverArgs`). */
  readonly apiserverArgs: Readonly<Record<string, string>>;
  readonly path: string;
}

/**
 * Audits the test user's requests at stage RequestReceived only, at level Metadata (no bodies,
 * so no Secret data in the file). Why RequestReceived: the log backend writes it (blocking mode)
 * before the request is served, so once a client has its answer the request is in the file.
 */
export function auditLog(dir: string, cluster: string): AuditLog {
  const policy = join(dir, `${cluster}-audit-policy.yaml`);
  const path = join(dir, `${cluster}-audit.log`);
  writeFileSync(
    policy,
    [
      'apiVersion: audit.k8s.io/v1',
      'kind: Policy',
      'omitStages: [ResponseStarted, ResponseComplete, Panic]',
      'rules:',
      `  - level: Metadata`,
      `    users: [${testUser}]`,
      '  - level: None',
      '',
    ].join('\n'),
  );
  return { apiserverArgs: { 'audit-policy-file': policy, 'audit-log-path': path, 'audit-log-mode': 'blocking' }, path };
}

interface AuditEvent {
  readonly verb?: string;
  readonly requestURI?: string;
  readonly user?: { readonly username?: string };
}

/** Every request of the test user so far, as `verb requestURI` lines. */
export function auditedRequests(log: AuditLog): string[] {
  if (!existsSync(log.path)) return [];
  return readFileSync(log.path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as AuditEvent)
    .filter((e) => e.user?.username === testUser)
    .map((e) => `${e.verb ?? '?'} ${e.requestURI ?? '?'}`);
}

/** The requests among `requests` that are not reads (get, list, watch). */
export function writes(requests: readonly string[]): string[] {
  return requests.filter((r) => !/^(get|list|watch) /.test(r));
}
