import { afterEach, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, Scope, type INestApplication } from '@nestjs/common';
import { REQUEST } from '@nestjs/core';
import request from 'supertest';
import { HealthIndicator, HealthIndicatorDefinitionError, HealthIndicatorService, HealthModule, type HealthIndicatorCheck } from 'nest-vitals';
import { bootstrapError, httpServer, startApp } from './support/http-app.js';
import { bodyOf, type CheckBody } from './support/report.js';

const NAME_RULE = 'expected a check name matching [a-z0-9][a-z0-9-_.]* (lower case letters, digits, "-", "_", ".")';

let app: INestApplication | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Boots an app with the given indicators and returns the definition error it must fail with. */
async function definitionError(providers: unknown[], imports: unknown[] = []): Promise<HealthIndicatorDefinitionError> {
  const error = await bootstrapError({ imports: [...(imports as never[]), HealthModule.forRoot({ details: 'always' })], providers: providers as never[] });
  expect(error).toBeInstanceOf(HealthIndicatorDefinitionError);
  expect(error.name).toBe('HealthIndicatorDefinitionError');
  return error as HealthIndicatorDefinitionError;
}

function upIndicator(name: string) {
  return class {
    check() {
      return { [name]: { status: 'up' } };
    }
  };
}

describe('duplicate names', () => {
  it('fails startup naming both classes', async () => {
    @HealthIndicator('payments')
    class PaymentsQueueIndicator extends upIndicator('payments') {}
    @HealthIndicator('payments')
    class PaymentsApiIndicator extends upIndicator('payments') {}

    const error = await definitionError([PaymentsQueueIndicator, PaymentsApiIndicator]);
    expect(error.problems).toEqual(['two health indicators are named "payments": PaymentsQueueIndicator and PaymentsApiIndicator; names must be unique']);
    expect(error.message).toBe(
      'Invalid health indicator definition:\n  - two health indicators are named "payments": PaymentsQueueIndicator and PaymentsApiIndicator; names must be unique',
    );
  });

  it('fails startup when the two live in different feature modules', async () => {
    @HealthIndicator('cache')
    class BillingCacheIndicator extends upIndicator('cache') {}
    @HealthIndicator('cache')
    class CatalogCacheIndicator extends upIndicator('cache') {}
    @Module({ providers: [BillingCacheIndicator] })
    class BillingModule {}
    @Module({ providers: [CatalogCacheIndicator] })
    class CatalogModule {}

    const error = await definitionError([], [BillingModule, CatalogModule]);
    expect(error.problems).toEqual(['two health indicators are named "cache": BillingCacheIndicator and CatalogCacheIndicator; names must be unique']);
  });
});

describe('check() method', () => {
  it('fails startup for a decorated class without check()', async () => {
    @HealthIndicator('no-check')
    class ForgotTheCheckIndicator {
      verify() {
        return true;
      }
    }
    const error = await definitionError([ForgotTheCheckIndicator]);
    expect(error.problems).toEqual(['ForgotTheCheckIndicator (@HealthIndicator("no-check")) has no check() method; a health indicator must implement check()']);
  });

  it('fails startup when check is a property, not a method', async () => {
    @HealthIndicator('check-property')
    class CheckPropertyIndicator {
      check = 'yes';
    }
    const error = await definitionError([CheckPropertyIndicator]);
    expect(error.problems).toEqual([
      'CheckPropertyIndicator (@HealthIndicator("check-property")) has no check() method; a health indicator must implement check()',
    ]);
  });

  it('accepts an inherited check()', async () => {
    @HealthIndicator('inherited')
    class InheritedIndicator extends upIndicator('inherited') {}
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [InheritedIndicator] }));
    await request(httpServer(app)).get('/health/checks/inherited').expect(200);
  });
});

describe('names', () => {
  it.each(['Payments', '', '-payments', '.payments', '_payments', 'pay ments', 'payments/v2', 'paiement-réseau', 'PAYMENTS'])(
    'fails startup for the name %p',
    async (name) => {
      @HealthIndicator(name)
      class BadlyNamedIndicator extends upIndicator(name) {}
      const error = await definitionError([BadlyNamedIndicator]);
      expect(error.problems).toEqual([`BadlyNamedIndicator: name ${JSON.stringify(name)} is invalid; ${NAME_RULE}`]);
    },
  );

  it.each(['a', '0', 'payments-queue', 'db.primary', 'redis_cache', '9lives'])('accepts the name %p', async (name) => {
    @HealthIndicator(name)
    class WellNamedIndicator extends upIndicator(name) {}
    ({ app } = await startApp({ imports: [HealthModule.forRoot({ details: 'always' })], providers: [WellNamedIndicator] }));
    const response = await request(httpServer(app)).get(`/health/checks/${name}`).expect(200);
    expect(bodyOf<CheckBody>(response).status).toBe('UP');
  });

  it('fails startup for a name that is not a string', async () => {
    @HealthIndicator(42 as unknown as string)
    class NumberNamedIndicator extends upIndicator('42') {}
    const error = await definitionError([NumberNamedIndicator]);
    expect(error.problems).toEqual([`NumberNamedIndicator: name 42 is invalid; ${NAME_RULE}`]);
  });
});

describe('scope', () => {
  const SINGLETON_RULE = 'health indicators must be singletons (default scope)';

  @Injectable({ scope: Scope.REQUEST })
  class RequestContext {
    user = 'anonymous';
  }

  it('fails startup for a request-scoped indicator (@Injectable below @HealthIndicator)', async () => {
    @HealthIndicator('per-request')
    @Injectable({ scope: Scope.REQUEST })
    class PerRequestIndicator extends upIndicator('per-request') {}
    const error = await definitionError([PerRequestIndicator]);
    expect(error.problems).toEqual([`PerRequestIndicator (@HealthIndicator("per-request")) is request-scoped; ${SINGLETON_RULE}`]);
  });

  it('fails startup for a request-scoped indicator (@Injectable above @HealthIndicator)', async () => {
    @Injectable({ scope: Scope.REQUEST })
    @HealthIndicator('per-request')
    class PerRequestIndicator extends upIndicator('per-request') {}
    const error = await definitionError([PerRequestIndicator]);
    expect(error.problems).toEqual([`PerRequestIndicator (@HealthIndicator("per-request")) is request-scoped; ${SINGLETON_RULE}`]);
  });

  it('fails startup for an indicator provided with scope: REQUEST', async () => {
    @HealthIndicator('per-request')
    class PerRequestIndicator extends upIndicator('per-request') {}
    const error = await definitionError([{ provide: PerRequestIndicator, useClass: PerRequestIndicator, scope: Scope.REQUEST }]);
    expect(error.problems).toEqual([`PerRequestIndicator (@HealthIndicator("per-request")) is request-scoped; ${SINGLETON_RULE}`]);
  });

  it('fails startup for a transient indicator, calling it transient', async () => {
    @Injectable({ scope: Scope.TRANSIENT })
    @HealthIndicator('transient')
    class TransientIndicator extends upIndicator('transient') {}
    const error = await definitionError([TransientIndicator]);
    expect(error.problems).toEqual([`TransientIndicator (@HealthIndicator("transient")) is transient-scoped; ${SINGLETON_RULE}`]);
  });

  it('fails startup for an indicator depending on a request-scoped provider, naming it', async () => {
    @HealthIndicator('session-store')
    class SessionStoreIndicator extends upIndicator('session-store') {
      constructor(readonly context: RequestContext) {
        super();
      }
    }
    const error = await definitionError([RequestContext, SessionStoreIndicator]);
    expect(error.problems).toEqual([
      `SessionStoreIndicator (@HealthIndicator("session-store")) depends on request-scoped RequestContext, which makes it request-scoped too; ${SINGLETON_RULE}`,
    ]);
  });

  it('fails startup for an indicator depending on a request-scoped provider two levels down', async () => {
    @Injectable()
    class AuditService {
      constructor(readonly context: RequestContext) {}
    }
    @HealthIndicator('audit')
    class AuditIndicator extends upIndicator('audit') {
      constructor(readonly audit: AuditService) {
        super();
      }
    }
    const error = await definitionError([RequestContext, AuditService, AuditIndicator]);
    expect(error.problems).toEqual([
      `AuditIndicator (@HealthIndicator("audit")) depends on request-scoped RequestContext (through AuditService), which makes it request-scoped too; ${SINGLETON_RULE}`,
    ]);
  });

  it('fails startup for an indicator injecting REQUEST', async () => {
    @HealthIndicator('tenant')
    class TenantIndicator extends upIndicator('tenant') {
      constructor(@Inject(REQUEST) readonly request: unknown) {
        super();
      }
    }
    const error = await definitionError([TenantIndicator]);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatch(
      /^TenantIndicator \(@HealthIndicator\("tenant"\)\) depends on request-scoped REQUEST, which makes it request-scoped too; /,
    );
  });
});

describe('decorator options', () => {
  it.each([
    [{ probes: ['ready'] }, '"bad-opts.probes[0]" must be one of "liveness", "readiness", "startup"; got "ready"'],
    [{ probes: 'readiness' }, '"bad-opts.probes" must be an array; got "readiness"'],
    [{ probes: ['readiness', 'readiness'] }, '"bad-opts.probes" must not repeat a value; got an array (["readiness","readiness"])'],
    [{ critical: 'yes' }, '"bad-opts.critical" must be true or false; got "yes"'],
    [{ timeoutMs: -1 }, '"bad-opts.timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number -1'],
    [{ timeoutMs: 0 }, '"bad-opts.timeoutMs" must be an integer from 1 to 2147483647 (milliseconds); got number 0'],
    [{ cacheTtlMs: 1.5 }, '"bad-opts.cacheTtlMs" must be an integer from 0 to 2147483647 (milliseconds, 0 disables); got number 1.5'],
    [{ failureThreshold: 0 }, '"bad-opts.failureThreshold" must be an integer from 1 to 1000 (consecutive results); got number 0'],
  ])('fails startup for %p, naming the class, the option and what is accepted', async (options, problem) => {
    @HealthIndicator('bad-opts', options as never)
    class BadOptionsIndicator extends upIndicator('bad-opts') {}
    const error = await definitionError([BadOptionsIndicator]);
    expect(error.problems).toEqual([`BadOptionsIndicator (@HealthIndicator("bad-opts")): ${problem}`]);
  });

  it('fails startup for an unknown decorator option, listing the accepted ones', async () => {
    @HealthIndicator('bad-opts', { probe: ['liveness'] } as never)
    class TypoIndicator extends upIndicator('bad-opts') {}
    const error = await definitionError([TypoIndicator]);
    expect(error.problems).toEqual([
      'TypoIndicator (@HealthIndicator("bad-opts")): unknown option "bad-opts.probe"; accepted: timeoutMs, cacheTtlMs, refreshIntervalMs, failureThreshold, successThreshold, slowCheckMs, probes, critical, tags',
    ]);
  });
});

it('lists every wrong declaration of the app in one error', async () => {
  @HealthIndicator('twice')
  class FirstIndicator extends upIndicator('twice') {}
  @HealthIndicator('twice')
  class SecondIndicator extends upIndicator('twice') {}
  @HealthIndicator('Nope')
  class UpperCaseIndicator extends upIndicator('nope') {}
  @HealthIndicator('no-check')
  class NoCheckIndicator {}
  @HealthIndicator('scoped')
  @Injectable({ scope: Scope.REQUEST })
  class ScopedIndicator extends upIndicator('scoped') {}

  const error = await definitionError([FirstIndicator, SecondIndicator, UpperCaseIndicator, NoCheckIndicator, ScopedIndicator]);
  expect(error.problems).toHaveLength(4);
  expect(error.problems).toEqual(
    expect.arrayContaining([
      expect.stringContaining('two health indicators are named "twice"'),
      expect.stringContaining('UpperCaseIndicator: name "Nope" is invalid'),
      expect.stringContaining('NoCheckIndicator (@HealthIndicator("no-check")) has no check() method'),
      expect.stringContaining('ScopedIndicator (@HealthIndicator("scoped")) is request-scoped'),
    ]),
  );
});

describe('how an indicator is provided', () => {
  @HealthIndicator('configured')
  class ConfiguredIndicator implements HealthIndicatorCheck {
    constructor(
      readonly health: HealthIndicatorService,
      readonly label: string,
    ) {}
    check() {
      return this.health.check('configured').up({ label: this.label });
    }
  }

  it('discovers an indicator provided through useFactory', async () => {
    ({ app } = await startApp({
      imports: [HealthModule.forRoot({ details: 'always' })],
      providers: [
        {
          provide: ConfiguredIndicator,
          useFactory: (health: HealthIndicatorService) => new ConfiguredIndicator(health, 'from a factory'),
          inject: [HealthIndicatorService],
        },
      ],
    }));
    const response = await request(httpServer(app)).get('/health/checks/configured').expect(200);
    expect(bodyOf<CheckBody>(response).data).toEqual({ label: 'from a factory' });
  });

  it('discovers an indicator provided through useValue', async () => {
    ({ app } = await startApp({
      imports: [HealthModule.forRoot({ details: 'always' })],
      providers: [{ provide: 'CONFIGURED', useValue: new ConfiguredIndicator(new HealthIndicatorService(), 'a value') }],
    }));
    const response = await request(httpServer(app)).get('/health/checks/configured').expect(200);
    expect(bodyOf<CheckBody>(response).data).toEqual({ label: 'a value' });
  });

  it('does not count a useExisting alias as a second indicator', async () => {
    @HealthIndicator('aliased')
    class AliasedIndicator extends upIndicator('aliased') {}
    ({ app } = await startApp({
      imports: [HealthModule.forRoot({ details: 'always' })],
      providers: [AliasedIndicator, { provide: 'ALIAS', useExisting: AliasedIndicator }],
    }));
    const response = await request(httpServer(app)).get('/health').expect(200);
    expect(Object.keys(bodyOf(response).details)).toEqual(['aliased']);
  });
});
