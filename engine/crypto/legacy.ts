import { createCipheriv } from 'node:crypto';

/** DES and RC4 live in OpenSSL 3's legacy provider, which only the process's start flag can load. */
export function legacyProviderLoaded(): boolean {
  try {
    createCipheriv('des-ecb', Buffer.alloc(8), null);
    return true;
  } catch {
    // OpenSSL answers "unsupported" for any cipher its loaded providers lack.
    return false;
  }
}

export function requireLegacyProvider(what: string): void {
  if (!legacyProviderLoaded()) {
    throw new Error(
      `${what} needs OpenSSL's legacy provider (DES, RC4), which is process-wide: start Node with ` +
        `--openssl-legacy-provider (or NODE_OPTIONS=--openssl-legacy-provider). The npm scripts do this.`,
    );
  }
}
