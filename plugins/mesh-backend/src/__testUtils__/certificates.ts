import { KeyObject, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const DAY = 86_400_000;

export interface TestCertificate {
  pem: string;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
  keys: CryptoKeyPair;
  subject: string;
  serialNumber: string;
}

async function keyPem(keys: CryptoKeyPair): Promise<string> {
  return KeyObject.from(keys.privateKey as any)
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

let serial = 0x1000;

/** A CA or leaf certificate valid from `daysAgo` days ago for `daysLeft` more days. */
export async function makeCertificate(options: {
  cn: string;
  daysLeft: number;
  daysAgo?: number;
  issuer?: TestCertificate;
  ca?: boolean;
}): Promise<TestCertificate> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, [
    'sign',
    'verify',
  ])) as unknown as CryptoKeyPair;
  const now = Date.now();
  const serialNumber = (serial++).toString(16).padStart(4, '0');
  const extensions =
    options.ca !== false
      ? [new x509.BasicConstraintsExtension(true, undefined, true)]
      : [];
  const notBefore = new Date(now - (options.daysAgo ?? 1) * DAY);
  const notAfter = new Date(now + options.daysLeft * DAY + 3_600_000);
  const cert = options.issuer
    ? await x509.X509CertificateGenerator.create({
        serialNumber,
        subject: `CN=${options.cn}`,
        issuer: options.issuer.subject,
        notBefore,
        notAfter,
        signingAlgorithm: ALG,
        publicKey: keys.publicKey as any,
        signingKey: options.issuer.keys.privateKey as any,
        extensions,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: `CN=${options.cn}`,
        notBefore,
        notAfter,
        signingAlgorithm: ALG,
        keys: keys as any,
        extensions,
      });
  return {
    pem: cert.toString('pem'),
    keyPem: await keyPem(keys),
    keys,
    subject: `CN=${options.cn}`,
    serialNumber,
  };
}

export const b64 = (text: string) => Buffer.from(text).toString('base64');
