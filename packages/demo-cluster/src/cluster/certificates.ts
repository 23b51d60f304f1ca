/*
 * Copyright 2026 The Meshlens Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;

/** A generated certificate with its private key, PEM-encoded. */
export interface GeneratedCert {
  certPem: string;
  keyPem: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
  serialNumber: string;
}

/** The certificate material of one demo cluster. */
export interface ClusterCertificates {
  trustAnchor: GeneratedCert;
  issuer: GeneratedCert;
  /** sha256 (hex) of the trust bundle PEM, as linkerd.io/trust-root-sha256 carries it. */
  trustBundleSha256: string;
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64.replace(
    /\n$/,
    '',
  )}\n-----END ${label}-----\n`;
}

function serial(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

async function keyPair(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
}

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key as never);
  return pem('PRIVATE KEY', der);
}

/** Creates a self-signed CA certificate (a trust anchor or Istio's self-signed root). */
export async function createRootCa(
  commonName: string,
  notBefore: Date,
  notAfter: Date,
  organization?: string,
): Promise<GeneratedCert & { keys: CryptoKeyPair }> {
  const keys = await keyPair();
  const name = organization ? `O=${organization}` : `CN=${commonName}`;
  const serialNumber = serial();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem').replace(/\r\n/g, '\n').trimEnd().concat('\n'),
    keyPem: await exportKey(keys.privateKey),
    notBefore,
    notAfter,
    subject: name,
    serialNumber,
    keys,
  };
}

/** Creates an intermediate CA signed by a root (Linkerd's identity issuer). */
export async function createIssuer(
  commonName: string,
  root: GeneratedCert & { keys: CryptoKeyPair },
  notBefore: Date,
  notAfter: Date,
): Promise<GeneratedCert> {
  const keys = await keyPair();
  const rootCert = new x509.X509Certificate(root.certPem);
  const serialNumber = serial();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: `CN=${commonName}`,
    issuer: rootCert.subject,
    notBefore,
    notAfter,
    signingKey: root.keys.privateKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root.keys.publicKey),
    ],
  });
  return {
    certPem: cert.toString('pem').replace(/\r\n/g, '\n').trimEnd().concat('\n'),
    keyPem: await exportKey(keys.privateKey),
    notBefore,
    notAfter,
    subject: `CN=${commonName}`,
    serialNumber,
  };
}

/** Linkerd's trust anchor (10 years) and an identity issuer expiring in `issuerDaysLeft` days. */
export async function createLinkerdCertificates(
  now: Date,
  issuerDaysLeft = 20,
  issuerLifetimeDays = 90,
): Promise<ClusterCertificates> {
  const anchorStart = new Date(now.getTime() - 400 * DAY);
  const anchor = await createRootCa(
    'root.linkerd.cluster.local',
    anchorStart,
    new Date(anchorStart.getTime() + 3650 * DAY),
  );
  const issuerEnd = new Date(now.getTime() + issuerDaysLeft * DAY);
  const issuer = await createIssuer(
    'identity.linkerd.cluster.local',
    anchor,
    new Date(issuerEnd.getTime() - issuerLifetimeDays * DAY),
    issuerEnd,
  );
  const { keys: _keys, ...trustAnchor } = anchor;
  return {
    trustAnchor,
    issuer,
    trustBundleSha256: createHash('sha256')
      .update(anchor.certPem)
      .digest('hex'),
  };
}

/**
 * Istio's self-signed CA as istiod creates it (O=cluster.local, 10 years),
 * plus an issuer signed by it (the intermediate a plug-in CA setup would use).
 */
export async function createIstioCertificates(
  now: Date,
): Promise<ClusterCertificates> {
  const start = new Date(now.getTime() - 200 * DAY);
  const root = await createRootCa(
    'cluster.local',
    start,
    new Date(start.getTime() + 3650 * DAY),
    'cluster.local',
  );
  const issuer = await createIssuer(
    'istiod.istio-system.svc',
    root,
    start,
    new Date(start.getTime() + 730 * DAY),
  );
  const { keys: _keys, ...trustAnchor } = root;
  return {
    trustAnchor,
    issuer,
    trustBundleSha256: createHash('sha256').update(root.certPem).digest('hex'),
  };
}
