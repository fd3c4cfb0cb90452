import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';

const DAY_MS = 86_400_000;

/** Where to find the peer whose certificate is inspected. @publicApi */
export interface PeerCertificateQuery {
  host: string;
  port: number;
  /** The name sent for SNI and checked against the certificate. @default host, unless host is an IP address */
  servername?: string;
  /** Ends the attempt: the socket is destroyed and the promise rejects with the signal's reason. The caller owns the timer. */
  signal: AbortSignal;
  /** CA certificates to verify against instead of Node's default roots (only changes `authorized`). */
  ca?: string | Buffer | (string | Buffer)[];
}

/** What the peer's leaf certificate says, and whether Node would have trusted it. @publicApi */
export interface PeerCertificateInfo {
  /** Distinguished name, e.g. `CN=api.example.com, O=Example`. */
  subject: string;
  /** Issuer's distinguished name. */
  issuer: string;
  /** `subjectAltName` entries, e.g. `['DNS:api.example.com', 'IP Address:127.0.0.1']`. */
  subjectAltNames: string[];
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated hex. */
  fingerprint256: string;
  /** Start of validity, ISO 8601. */
  validFrom: string;
  /** End of validity, ISO 8601. */
  validTo: string;
  /** Whole days until `validTo`, rounded down: 0 in the last day, negative once expired. */
  daysLeft: number;
  /** Milliseconds until `validTo`, negative once expired. */
  msLeft: number;
  expired: boolean;
  /** Whether Node would have trusted the peer: chain verified against the trusted CAs and the name matched (the connection is made either way). */
  authorized: boolean;
  /** Why not, as Node's code: `CERT_HAS_EXPIRED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `SELF_SIGNED_CERT_IN_CHAIN`, `ERR_TLS_CERT_ALTNAME_INVALID`… */
  authorizationError?: string;
  /** Whether the certificate names `servername` (or host). */
  hostnameMatches: boolean;
  /** Why it does not, when it does not. */
  hostnameError?: string;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol: string | null;
}

function distinguishedName(fields: PeerCertificate['subject'] | undefined): string {
  if (!fields) return '';
  return Object.entries(fields)
    .flatMap(([field, value]: [string, string | string[] | undefined]) =>
      (value === undefined ? [] : Array.isArray(value) ? value : [value]).map((entry) => `${field}=${entry}`),
    )
    .join(', ');
}

function describe(socket: TLSSocket, certificate: PeerCertificate, identity: string, now: number): PeerCertificateInfo {
  const validTo = new Date(certificate.valid_to);
  const msLeft = validTo.getTime() - now;
  const identityError = checkServerIdentity(identity, certificate);
  const authorizationError = socket.authorizationError;
  return {
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    subjectAltNames: certificate.subjectaltname ? certificate.subjectaltname.split(', ') : [],
    serialNumber: certificate.serialNumber,
    fingerprint256: certificate.fingerprint256,
    validFrom: new Date(certificate.valid_from).toISOString(),
    validTo: validTo.toISOString(),
    daysLeft: Math.floor(msLeft / DAY_MS),
    msLeft,
    expired: msLeft <= 0,
    authorized: socket.authorized,
    ...(authorizationError ? { authorizationError: typeof authorizationError === 'string' ? authorizationError : authorizationError.message } : {}),
    hostnameMatches: !identityError,
    ...(identityError ? { hostnameError: identityError.message } : {}),
    protocol: socket.getProtocol(),
  };
}

/**
 * Opens a TLS connection, reads the peer's leaf certificate and closes the connection. Accepts any certificate
 * (expired, self-signed, wrong name) so it can report on it, and says whether Node would have trusted it.
 * Has no timer of its own: it ends when `signal` aborts, rejecting with the signal's reason.
 * @publicApi
 */
export function inspectPeerCertificate({ host, port, servername, signal, ca }: PeerCertificateQuery): Promise<PeerCertificateInfo> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  const identity = servername ?? host;
  return new Promise<PeerCertificateInfo>((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(servername !== undefined || !isIP(host) ? { servername: identity } : {}),
      ...(ca !== undefined ? { ca } : {}),
      rejectUnauthorized: false,
    });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      outcome();
    };
    const onAbort = () => settle(() => reject(signal.reason as Error));
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate(false);
      if (!certificate || Object.keys(certificate).length === 0) {
        settle(() => reject(new Error(`${host}:${port} sent no certificate`)));
        return;
      }
      const info = describe(socket, certificate, identity, Date.now());
      settle(() => resolve(info));
    });
    socket.on('error', (error: Error) => settle(() => reject(new Error(`TLS connection to ${host}:${port} failed: ${error.message}`, { cause: error }))));
    socket.once('close', () => settle(() => reject(new Error(`${host}:${port} closed the connection before the TLS handshake completed`))));
  });
}
