import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TlsMaterial {
  /** The CA that signed the broker's certificate (PEM). */
  caFile: string;
  /** Another CA that signed nothing the broker has (PEM). */
  wrongCaFile: string;
  /** The broker's key + certificate chain as a JKS keystore (built with keytool). */
  keyStore: string;
  keyStorePassword: string;
}

const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

function makeCa(dir: string, name: string) {
  run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.pem`,
      '-subj',
      `/CN=SWF CC test ${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
}

/**
 * A test CA, a broker certificate it signs (names localhost and 127.0.0.1), a second unrelated
 * CA, and the broker keystore: openssl makes the keys and certificates and a PKCS12 bundle,
 * the JDK's keytool turns that into the JKS keystore ActiveMQ loads.
 */
export function makeTlsMaterial(dir: string, password = 'changeit-test'): TlsMaterial {
  makeCa(dir, 'ca');
  makeCa(dir, 'wrong-ca');
  writeFileSync(
    join(dir, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  run(
    'openssl',
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=localhost',
    ],
    dir,
  );
  run(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-sha256',
      '-extfile',
      'server.ext',
      '-out',
      'server.pem',
    ],
    dir,
  );
  run(
    'openssl',
    [
      'pkcs12',
      '-export',
      '-in',
      'server.pem',
      '-inkey',
      'server.key',
      '-certfile',
      'ca.pem',
      '-name',
      'broker',
      '-out',
      'broker.p12',
      '-passout',
      `pass:${password}`,
    ],
    dir,
  );
  run(
    'keytool',
    [
      '-importkeystore',
      '-noprompt',
      '-srckeystore',
      'broker.p12',
      '-srcstoretype',
      'PKCS12',
      '-srcstorepass',
      password,
      '-destkeystore',
      'broker.jks',
      '-deststoretype',
      'JKS',
      '-deststorepass',
      password,
    ],
    dir,
  );
  return {
    caFile: join(dir, 'ca.pem'),
    wrongCaFile: join(dir, 'wrong-ca.pem'),
    keyStore: join(dir, 'broker.jks'),
    keyStorePassword: password,
  };
}
