/**
 * Turns Node's TLS verification codes into a sentence a physicist can act on. These failures are
 * permanent for a given configuration: retrying would get the same certificate again.
 */
const NOT_SIGNED_BY_CA = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

export function describeTlsError(
  err: unknown,
  ctx: { host: string; caFile?: string },
): string | null {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const trust = ctx.caFile
    ? `the CA in ${ctx.caFile}`
    : "the system's trusted CAs (no broker.caFile set)";
  if (NOT_SIGNED_BY_CA.has(code)) {
    return `TLS: the broker's certificate is not signed by ${trust} (${code}); set broker.caFile to the CA that issued the broker's certificate`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `TLS: the broker's certificate does not name the host "${ctx.host}" (${code}): ${(err as Error).message}`;
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return `TLS: the broker's certificate is not valid now (${code})`;
  }
  if (code.startsWith('CERT_') || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_')) {
    return `TLS: ${(err as Error).message} (${code})`;
  }
  return null;
}
