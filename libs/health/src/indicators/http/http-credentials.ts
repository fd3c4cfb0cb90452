/**
 * Moves the credentials of `url` (`user:password@`) into `headers` as a Basic `authorization` header, unless the
 * headers set one, and removes them from `url`: the address a check reports never carries a password.
 */
export function moveCredentialsToHeader(url: URL, headers: Headers): void {
  if ((url.username || url.password) && !headers.has('authorization')) {
    const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.set('authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  }
  url.username = '';
  url.password = '';
}
