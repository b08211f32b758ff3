import { googleAuthLibrary } from 'google-gax';
import type { AccessTokenSource } from './types.js';

/**
 * An auth client for the @google-cloud libraries that asks an {@link AccessTokenSource} for the
 * bearer token on every request. Why: kfed has one token source (file, ADC or static) shared by
 * Cloud DNS, GKE and the Kubernetes API of GKE clusters, so a refreshed token file or ADC
 * rotation reaches every client without rebuilding them.
 *
 * NOTE: built from google-gax's copy of google-auth-library so its type matches what
 * ClusterManagerClient expects; @google-cloud/dns only calls `getRequestHeaders` on it.
 */
export class TokenSourceAuthClient extends googleAuthLibrary.OAuth2Client {
  constructor(private readonly tokens: AccessTokenSource) {
    super();
  }

  override async getRequestHeaders(): Promise<Headers> {
    return new Headers({ authorization: `Bearer ${await this.tokens.getAccessToken()}` });
  }
}
