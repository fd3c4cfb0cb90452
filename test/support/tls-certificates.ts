import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** `YYYYMMDDHHMMSSZ`, the form `openssl ca -startdate/-enddate` takes. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  try {
    await run('openssl', args, { cwd, timeout: 20_000 });
  } catch (error) {
    throw new Error(`openssl ${args.join(' ')} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`, { cause: error });
  }
}

export interface IssuedCertificate {
  /** PEM of the leaf certificate followed by the CA's (a full chain for a server). */
  cert: string;
  key: string;
  notBefore: Date;
  notAfter: Date;
}

/**
 * A throw-away certificate authority in a temp folder, made with the `openssl` CLI at test time. Issues leaf
 * certificates for `localhost` / 127.0.0.1 with any validity window, also one that ended in the past (OpenSSL 3.0's
 * `x509 -req` cannot back-date; `openssl ca -startdate -enddate` can).
 */
export class TestCertificateAuthority {
  private serial = 0;

  private constructor(
    readonly dir: string,
    /** PEM of the CA certificate, to pass as `ca` to a client that should trust the leaves. */
    readonly caCert: string,
  ) {}

  static async create(): Promise<TestCertificateAuthority> {
    const dir = await mkdtemp(join(tmpdir(), 'nest-vitals-ca-'));
    await openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      '/CN=nest-vitals test CA',
      '-days',
      '30',
    );
    await writeFile(join(dir, 'index.txt'), '');
    await writeFile(
      join(dir, 'ca.cnf'),
      [
        '[ ca ]',
        'default_ca = test_ca',
        '[ test_ca ]',
        `dir = ${dir}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir',
        'certificate = $dir/ca.crt',
        'private_key = $dir/ca.key',
        'serial = $dir/serial',
        'default_md = sha256',
        'policy = policy_any',
        'copy_extensions = copy',
        'unique_subject = no',
        'x509_extensions = leaf',
        '[ policy_any ]',
        'commonName = supplied',
        '[ leaf ]',
        'basicConstraints = CA:FALSE',
        'keyUsage = digitalSignature, keyEncipherment',
        'extendedKeyUsage = serverAuth',
        '',
      ].join('\n'),
    );
    return new TestCertificateAuthority(dir, await readFile(join(dir, 'ca.crt'), 'utf8'));
  }

  /** A leaf valid from `notBefore` to `notAfter` (second precision). */
  async issue(commonName: string, notBefore: Date, notAfter: Date): Promise<IssuedCertificate> {
    const name = `leaf-${++this.serial}`;
    await writeFile(join(this.dir, 'serial'), `${(0x1000 + this.serial).toString(16).toUpperCase()}\n`);
    await openssl(
      this.dir,
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    );
    await openssl(
      this.dir,
      'ca',
      '-batch',
      '-notext',
      '-config',
      'ca.cnf',
      '-startdate',
      asn1Time(notBefore),
      '-enddate',
      asn1Time(notAfter),
      '-in',
      `${name}.csr`,
      '-out',
      `${name}.crt`,
    );
    const leaf = await readFile(join(this.dir, `${name}.crt`), 'utf8');
    return { cert: `${leaf}${this.caCert}`, key: await readFile(join(this.dir, `${name}.key`), 'utf8'), notBefore, notAfter };
  }

  /**
   * A leaf that expires `days` whole days from now (and an hour more, so `daysLeft` reads exactly `days` for the next
   * hour); negative `days` gives one that already expired. Valid since ten days before its expiry or yesterday, whichever is earlier.
   */
  expiringIn(days: number, commonName = `expires-in-${days}d.localhost`): Promise<IssuedCertificate> {
    const notAfter = new Date(Date.now() + days * DAY_MS + HOUR_MS);
    const notBefore = new Date(Math.min(Date.now() - DAY_MS, notAfter.getTime() - 10 * DAY_MS));
    return this.issue(commonName, notBefore, notAfter);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A local HTTPS server presenting one certificate; answers every request `200 ok`. */
export async function startHttpsServer(certificate: IssuedCertificate, port: number): Promise<{ server: Server; port: number; close: () => Promise<void> }> {
  const server = createServer({ cert: certificate.cert, key: certificate.key }, (_request, response) => response.end('ok'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    server,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
