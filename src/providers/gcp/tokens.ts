import { readFile } from 'node:fs/promises';
import { googleAuthLibrary } from 'google-gax';
import { PermissionError } from '../errors.js';
import type { AccessTokenSource } from './types.js';

/** OAuth scope that covers Cloud DNS, GKE and the Kubernetes API of GKE clusters. */
export const cloudPlatformScope = 'https://www.googleapis.com/auth/cloud-platform';

/** A fixed token. For tests and for callers that already hold a short-lived token. */
export class StaticTokenSource implements AccessTokenSource {
  constructor(private readonly token: string) {}

  getAccessToken(): Promise<string> {
    return Promise.resolve(this.token);
  }
}

/**
 * A token read from a file at every use, like gcloud's `CLOUDSDK_AUTH_ACCESS_TOKEN_FILE`.
 * Reading each time lets another process refresh the file without restarting the worker.
 */
export class FileTokenSource implements AccessTokenSource {
  constructor(readonly path: string) {}

  async getAccessToken(): Promise<string> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      throw new PermissionError(`cannot read the access token file ${this.path}`, {
        resource: this.path,
        hint: 'check KFED_GCP_ACCESS_TOKEN_FILE, or unset it to use Application Default Credentials',
        cause: err,
      });
    }
    const token = text.trim();
    if (!token) {
      throw new PermissionError(`the access token file ${this.path} is empty`, {
        resource: this.path,
        hint: 'write a token into it, e.g. `gcloud auth print-access-token > FILE`',
      });
    }
    return token;
  }
}

/**
 * Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's ADC file, or the
 * metadata server), scoped to cloud-platform. google-auth-library caches and refreshes the token.
 */
export class AdcTokenSource implements AccessTokenSource {
  private readonly auth = new googleAuthLibrary.GoogleAuth({ scopes: [cloudPlatformScope] });

  async getAccessToken(): Promise<string> {
    let token: string | null | undefined;
    try {
      token = await this.auth.getAccessToken();
    } catch (err) {
      throw new PermissionError(`cannot get a Google access token from Application Default Credentials: ${messageOf(err)}`, {
        resource: 'application-default-credentials',
        hint: 'run `gcloud auth application-default login`, set GOOGLE_APPLICATION_CREDENTIALS, or set KFED_GCP_ACCESS_TOKEN_FILE',
        cause: err,
      });
    }
    if (!token) {
      throw new PermissionError('Application Default Credentials returned no access token', {
        resource: 'application-default-credentials',
        hint: 'run `gcloud auth application-default login` or set KFED_GCP_ACCESS_TOKEN_FILE',
      });
    }
    return token;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
