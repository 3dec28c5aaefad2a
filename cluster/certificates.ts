// The cluster's own CA and the certificates it signs (the frontend's mTLS, the mail server's STARTTLS).
import { FRONTEND_TLS_NAME } from './layout';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

// ---- certificates ------------------------------------------------------------------------------

/** A CA, the frontend's certificate and a client certificate, made with openssl on the first run. */
export function ensureCertificates(tls: string, logFile: string): void {
  mkdirSync(tls, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(tls, name);
  if (['ca.pem', 'server.pem', 'server.key', 'client.pem', 'client.key'].every((f) => existsSync(file(f))))
    return;
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: tls, stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '3650',
      '-subj',
      '/CN=Refundflow cluster CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
    const leaf = (name: string, cn: string, ext: string) => {
      openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
      writeFileSync(file(`${name}.ext`), ext);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '825',
        '-extfile',
        `${name}.ext`,
      );
      rmSync(file(`${name}.csr`));
      rmSync(file(`${name}.ext`));
    };
    leaf(
      'server',
      FRONTEND_TLS_NAME,
      `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${FRONTEND_TLS_NAME},DNS:localhost,IP:127.0.0.1\n`,
    );
    leaf(
      'client',
      'refundflow',
      'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:refundflow\n',
    );
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    writeFileSync(logFile, stderr, { flag: 'a' });
    throw new Error(`openssl could not make the cluster's certificates: ${stderr}`, { cause: err });
  }
  for (const f of readdirSync(tls)) chmodSync(file(f), f.endsWith('.key') ? 0o600 : 0o644);
}
