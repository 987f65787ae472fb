/**
 * Service account issuer discovery (upstream's ServiceAccountIssuerDiscovery):
 * an OpenID provider configuration and the JWKS of the signing key, so that
 * a relying party outside the cluster can verify service account tokens.
 */
import type { ServiceAccountKey } from './sakey.js';

/** The one algorithm skiff signs with (jwt.ts). */
const ALG = 'ES256';

/** `/.well-known/openid-configuration` for `issuer`. */
export function openIDConfiguration(issuer: string): Record<string, unknown> {
  return {
    issuer,
    jwks_uri: `${issuer.replace(/\/+$/, '')}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [ALG],
  };
}


/** `/openid/v1/jwks`: the public signing key as a JWK set. */
export function jwks(key: ServiceAccountKey): { keys: Record<string, unknown>[] } {
  return { keys: [{ ...key.publicKey.export({ format: 'jwk' }), use: 'sig', kid: key.kid, alg: ALG }] };
}
