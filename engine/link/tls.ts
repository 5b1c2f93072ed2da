// TLS over TCP: the SSLRef analogue. The certificate is made at start-up with the openssl command
// (Node can make key pairs but not X.509 certificates); the client pins it as its only CA.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { StreamTransport } from './stream.js';
import { acceptQueue, dialed, type Listener } from './tcp.js';

export interface Certificate {
  keyPem: string;
  certPem: string;
}

/** A fresh self-signed P-256 certificate for CN=localhost, valid one day. */
export async function makeCertificate(): Promise<Certificate> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'link-tls-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    try {
      await promisify(execFile)('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
      ]);
    } catch (err) {
      throw new Error(`making the TLS certificate with the openssl command failed: ${(err as Error).message}`);
    }
    return { keyPem: await fs.readFile(keyFile, 'utf8'), certPem: await fs.readFile(certFile, 'utf8') };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

function negotiated(socket: tls.TLSSocket): Record<string, string> {
  return { tlsProtocol: socket.getProtocol() ?? 'unknown', tlsCipher: socket.getCipher()?.name ?? 'unknown' };
}

export async function listenTls(cert: Certificate): Promise<Listener<StreamTransport>> {
  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return acceptQueue(server, 'secureConnection', (s) => new StreamTransport('tls', s, negotiated(s as tls.TLSSocket)));
}

export async function connectTls(port: number, caPem: string): Promise<StreamTransport> {
  const socket = await dialed(tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca: caPem }), 'secureConnect', `tls dial to 127.0.0.1:${port}`);
  return new StreamTransport('tls', socket, negotiated(socket));
}
