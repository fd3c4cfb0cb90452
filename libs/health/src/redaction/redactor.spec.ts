import { describe, expect, it } from '@jest/globals';
import { isSecretKey, redact } from './redactor.js';

describe('redact', () => {
  it.each([
    ['postgres://orders:s3cr3t@db:5432/orders', 'postgres://orders:***@db:5432/orders'],
    ['connect ECONNREFUSED redis://:hunter2@127.0.0.1:6390', 'connect ECONNREFUSED redis://:***@127.0.0.1:6390'],
    ['host=db user=app password=s3cr3t dbname=x', 'host=db user=app password=*** dbname=x'],
    ['https://api/x?token=abc123&page=2', 'https://api/x?token=***&page=2'],
    ['pwd=abc;server=x', 'pwd=***;server=x'],
    ['Authorization: Bearer eyJhbGciOi.x.y', 'Authorization: Bearer ***'],
    ['{"user":"a","password":"p4ss"}', '{"user":"a","password":"***"}'],
  ])('redacts %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(input)).not.toMatch(/s3cr3t|hunter2|abc123|p4ss|eyJhbGciOi/);
  });

  /** Every credential form the broker, queue, database and HTTP built-ins meet; the secret is always `s3cr3t`. */
  const FORMS: [string, string][] = [
    // Token-only userinfo.
    ['nats://s3cr3t@nats:4222', 'nats://***@nats:4222'],
    ['connect ECONNREFUSED to nats://s3cr3t@127.0.0.1:4222, retrying', 'connect ECONNREFUSED to nats://***@127.0.0.1:4222, retrying'],
    ['https://s3cr3t@api.example.com/v1/health', 'https://***@api.example.com/v1/health'],
    ['tls://s3cr3t@nats.internal:4443', 'tls://***@nats.internal:4443'],
    // user:pass@ (and :pass@) in every scheme.
    ['redis://:s3cr3t@cache:6379/0', 'redis://:***@cache:6379/0'],
    ['rediss://default:s3cr3t@cache.example.com:6380', 'rediss://default:***@cache.example.com:6380'],
    ['amqp://guest:s3cr3t@rabbit:5672/orders', 'amqp://guest:***@rabbit:5672/orders'],
    ['amqps://worker:s3cr3t@rabbit.example.com:5671/%2F?heartbeat=10', 'amqps://worker:***@rabbit.example.com:5671/%2F?heartbeat=10'],
    ['mqtt://sensor:s3cr3t@broker:1883', 'mqtt://sensor:***@broker:1883'],
    ['mqtts://sensor:s3cr3t@broker:8883', 'mqtts://sensor:***@broker:8883'],
    ['ws://sensor:s3cr3t@broker:9001/mqtt', 'ws://sensor:***@broker:9001/mqtt'],
    ['postgresql://app:s3cr3t@db:5432/orders?sslmode=require', 'postgresql://app:***@db:5432/orders?sslmode=require'],
    ['mysql://root:s3cr3t@db:3306/test', 'mysql://root:***@db:3306/test'],
    ['mariadb://app:s3cr3t@db:3306/test', 'mariadb://app:***@db:3306/test'],
    ['mongodb+srv://app:s3cr3t@cluster0.example.net/db?retryWrites=true', 'mongodb+srv://app:***@cluster0.example.net/db?retryWrites=true'],
    ['mongodb://app:s3cr3t@a:27017,b:27017/db?replicaSet=rs0', 'mongodb://app:***@a:27017,b:27017/db?replicaSet=rs0'],
    ['jdbc:postgresql://app:s3cr3t@db/orders', 'jdbc:postgresql://app:***@db/orders'],
    ['kafka://svc:s3cr3t@broker:9093', 'kafka://svc:***@broker:9093'],
    ['SASL_SSL://svc:s3cr3t@broker:9093', 'SASL_SSL://svc:***@broker:9093'],
    ['http://user:p@ss:s3cr3t@api:8080/x', 'http://user:***@api:8080/x'],
    ['ldap://cn=admin:s3cr3t@ldap.local', 'ldap://cn=admin:***@ldap.local'],
    ['app:s3cr3t@tcp(db:3306)/orders', 'app:***@tcp(db:3306)/orders'],
    // Env-style pairs, with a prefix, any case.
    ['PGPASSWORD=s3cr3t psql -h db', 'PGPASSWORD=*** psql -h db'],
    ['aws_secret_access_key=s3cr3t', 'aws_secret_access_key=***'],
    ['AWS_SECRET_ACCESS_KEY=s3cr3t region=eu-west-1', 'AWS_SECRET_ACCESS_KEY=*** region=eu-west-1'],
    ['REDIS_PASSWORD=s3cr3t REDIS_HOST=cache', 'REDIS_PASSWORD=*** REDIS_HOST=cache'],
    ['DB_PASS=s3cr3t DB_USER=app', 'DB_PASS=*** DB_USER=app'],
    ['API_TOKEN=s3cr3t', 'API_TOKEN=***'],
    ['GITHUB_TOKEN: s3cr3t', 'GITHUB_TOKEN: ***'],
    ['client_id=app&client_secret=s3cr3t&grant_type=client_credentials', 'client_id=app&client_secret=***&grant_type=client_credentials'],
    ['MYSQL_ROOT_PASSWORD="s3cr3t"', 'MYSQL_ROOT_PASSWORD="***"'],
    ['export NATS_PASS=s3cr3t', 'export NATS_PASS=***'],
    ['apiKey=s3cr3t&q=1', 'apiKey=***&q=1'],
    ['X-Api-Key: s3cr3t', 'X-Api-Key: ***'],
    ['passphrase=s3cr3t', 'passphrase=***'],
    // Headers and bearer tokens.
    ['Authorization: Bearer s3cr3t.abc.def', 'Authorization: Bearer ***'],
    ['authorization=Basic czNjcjN0OnMzY3IzdA==', 'authorization=Basic ***'],
    ['Proxy-Authorization: Basic czNjcjN0', 'Proxy-Authorization: Basic ***'],
    ['request sent with Bearer s3cr3t-token-value failed', 'request sent with Bearer *** failed'],
    // Query strings and DSNs.
    ['https://api.example.com/x?page=2&password=s3cr3t', 'https://api.example.com/x?page=2&password=***'],
    ['wss://stream.example.com/feed?access_token=s3cr3t&v=2', 'wss://stream.example.com/feed?access_token=***&v=2'],
    [
      'https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2Fs3cr3t&X-Amz-Signature=s3cr3t',
      'https://bucket.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***',
    ],
    ['jdbc:mysql://db:3306/test?user=app&password=s3cr3t', 'jdbc:mysql://db:3306/test?user=app&password=***'],
    ['Server=db;Database=x;User Id=app;Password=s3cr3t;', 'Server=db;Database=x;User Id=app;Password=***;'],
    ["host=db user=app password='s3cr3t with spaces' dbname=x", "host=db user=app password='***' dbname=x"],
    // SASL and JSON-ish text.
    ['sasl.password=s3cr3t sasl.username=svc', 'sasl.password=*** sasl.username=svc'],
    [
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="s3cr3t";',
      'sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="svc" password="***";',
    ],
    ["sasl: { mechanism: 'plain', username: 'svc', password: 's3cr3t' }", "sasl: { mechanism: 'plain', username: 'svc', password: '***' }"],
    ['{"sasl":{"mechanism":"scram-sha-256","username":"svc","password":"s3cr3t"}}', '{"sasl":{"mechanism":"scram-sha-256","username":"svc","password":"***"}}'],
    ['{"token": "s3cr3t", "n": 1}', '{"token": "***", "n": 1}'],
    ['{"password":"s3\\"cr3t","user":"a"}', '{"password":"***","user":"a"}'],
    ['{"Authorization":"Bearer s3cr3t"}', '{"Authorization":"***"}'],
    ['password="s3cr3t (cut off', 'password="***'],
    // A raw `#`, `/` or `?` inside a URL password (a URL parser would end the authority there).
    ['redis://:s3#cr3t@cache:6379', 'redis://:***@cache:6379'],
    ['mongodb://admin:s3/cr3t@mongo:27017/db', 'mongodb://admin:***@mongo:27017/db'],
    ['amqp://svc:s3?cr3t@rabbit/vhost', 'amqp://svc:***@rabbit/vhost'],
    ['connect failed: redis://:s3#cr3t@cache (ECONNREFUSED)', 'connect failed: redis://:***@cache (ECONNREFUSED)'],
    // user:pass@host with no scheme.
    ['app:s3cr3t@db.internal:5432', 'app:***@db.internal:5432'],
    ['could not connect as app:s3cr3t@10.0.0.5:5432/orders', 'could not connect as app:***@10.0.0.5:5432/orders'],
    ['{"dsn":"app:s3cr3t@db:3306/x"}', '{"dsn":"app:***@db:3306/x"}'],
    // Bare Basic credentials (base64 of user:s3cr3t), a JWT after plain words, AWS access key ids.
    ['upstream rejected Basic dXNlcjpzM2NyM3Q=', 'upstream rejected Basic ***'],
    ['sent basic dXNlcjpzM2NyM3Q= twice', 'sent basic *** twice'],
    ['invalid token eyJhbGciOiJIUzI1NiJ9.eyJzM2NyM3QiOjF9.c2lnbmF0dXJl', 'invalid token ***'],
    ['jwt expired: eyJhbGciOiJub25lIn0.eyJzM2NyM3QiOjF9.', 'jwt expired: ***'],
    ['key AKIAS3CR3TS3CR3TS3CR is not authorized', 'key *** is not authorized'],
    ['temporary ASIAS3CR3TS3CR3TS3CR expired', 'temporary *** expired'],
    ['aws_access_key_id=s3cr3t aws_region=eu-west-1', 'aws_access_key_id=*** aws_region=eu-west-1'],
    ['AWS_ACCESS_KEY_ID: s3cr3t', 'AWS_ACCESS_KEY_ID: ***'],
  ];

  it(`holds ${FORMS.length} credential forms`, () => {
    expect(FORMS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(FORMS)('redacts %s, keeping the rest readable', (input, expected) => {
    const output = redact(input);
    expect(output).toBe(expected);
    expect(output).not.toMatch(/s3cr3t|czNjcjN0|p@ss/);
    // Redacting twice changes nothing more.
    expect(redact(output)).toBe(output);
  });

  it.each([
    "Access denied for user 'app'@'localhost' (using password: YES)",
    "Access denied for user 'app'@'localhost' (using password: NO)",
    'timed out after 1000 ms',
    'http://payments:8080/health',
    'https://api.example.com/v1/items?page=2&limit=10',
    'redis-cache, nats-jetstream, tls-api.example.com, leaky-throw',
    'status: DOWN, passed: 3, failed: 1, bypass=false, tokens: 12, author: ops, authorized: false',
    'the bearer of bad news',
    'connect ECONNREFUSED 127.0.0.1:5432',
    'user=app host=db port=5432 dbname=orders sslmode=disable',
    'send mail to ops@example.com',
    'Error: getaddrinfo ENOTFOUND db',
    'certificate has expired: notAfter=Dec  1 00:00:00 2026 GMT',
    'http://payments:8080/health/@admin',
    'http://payments:8080/users?email=ops@example.com',
    'https://example.com/a:b@c',
    'Basic authentication failed for realm payments',
    'server requires Basic YWRtaW5pc3RyYXRvcg== (no colon in it)',
    'mail ops at mailto:ops@example.com',
    'at 12:30 the check failed',
    'eyJ is how a JWT starts',
    'AKIA is the prefix of an access key id',
    'host=db.internal:5432 port=5432',
  ])('leaves %s alone', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('redacts a 100 kB input, adversarial for backtracking, quickly', () => {
    const inputs = [
      `${'a'.repeat(100_000)}`,
      `postgres://${'u:'.repeat(50_000)}`,
      `x://${'@'.repeat(100_000)}`,
      `${'password='.repeat(11_000)}`,
      `"${'\\'.repeat(100_000)}`,
      `password="${'x'.repeat(100_000)}`,
      `${'a.'.repeat(50_000)}=`,
      `${'key: '.repeat(20_000)}`,
      `Bearer ${'a'.repeat(100_000)}`,
      'u:'.repeat(50_000),
      `${'x:'.repeat(50_000)}@tcp(`,
      'x="'.repeat(30_000),
      'a://'.repeat(25_000),
      'a@'.repeat(50_000),
      'Authorization: '.repeat(7000),
      'password: YES)'.repeat(7000),
      Array.from({ length: 2000 }, (_, i) => `check-${i} amqp://u:s3cr3t@h:5672 token=s3cr3t ok`).join(' '),
      // The forms of the third wave: raw `#`/`/` passwords, scheme-less userinfo, Basic, JWT, AWS key ids.
      `x://a:${'#'.repeat(100_000)}`,
      'x://a:#'.repeat(15_000),
      'x://:'.repeat(25_000),
      `${'a:b'.repeat(33_000)}@`,
      'a:b@'.repeat(25_000),
      `${'a.'.repeat(50_000)}:x@`,
      'Basic '.repeat(16_000),
      `Basic ${'A'.repeat(100_000)}`,
      `eyJ${'a'.repeat(100_000)}`,
      'eyJaaaaa.'.repeat(11_000),
      'AKIA'.repeat(25_000),
      `${'x://u:p/'.repeat(12_000)}@`,
    ];
    // Linear work is a few ms per 100 kB input (tens on a loaded machine); anything quadratic takes tens of seconds.
    const slow: string[] = [];
    for (const input of inputs) {
      const started = performance.now();
      expect(redact(input)).not.toMatch(/s3cr3t/);
      const ms = performance.now() - started;
      if (ms > 1000) slow.push(`${JSON.stringify(input.slice(0, 20))}…: ${Math.round(ms)} ms`);
    }
    expect(slow).toEqual([]);
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'PGPASSWORD',
    'REDIS_PASSWORD',
    'aws_secret_access_key',
    'client_secret',
    'API_TOKEN',
    'accessToken',
    'x-api-key',
    'DB_PASS',
    'pwd',
    'sasl.password',
    'credentials',
    'Authorization',
    'aws_access_key_id',
    'AWS_ACCESS_KEY_ID',
    'accessKeyId',
  ])('%s names a secret', (key) => expect(isSecretKey(key)).toBe(true));
  it.each([
    'user',
    'username',
    'host',
    'aws_region',
    'accessKeyIdRotation',
    'passed',
    'bypass',
    'tokens',
    'author',
    'authorized',
    'authorizationError',
    'daysLeft',
    'subject',
  ])('%s does not', (key) => expect(isSecretKey(key)).toBe(false));
});
