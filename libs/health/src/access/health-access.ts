import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { describeError } from '../execution/check-outcome.js';
import { InjectHealthOptions } from '../options/health-options.token.js';
import { HEALTH_ROUTES, routeNamed, type HealthRouteName, type HealthRouteRow } from '../http/health-routes.js';
import type { DetailsPolicy, DetailsRoute } from '../interfaces/health-module-options.interface.js';
import type { ResolvedHealthOptions } from '../options/resolved-health-options.js';
import { redact } from '../redaction/redactor.js';
import { ApiKeyMatcher, presentedApiKeys } from './api-key-matcher.js';

/** A route of the health table, by row or by name. */
export type HealthRoute = HealthRouteRow | HealthRouteName;

const rowOf = (route: HealthRoute): HealthRouteRow => (typeof route === 'string' ? routeNamed(route) : route);

/** What one request may see on one route. */
export interface RouteAccess {
  policy: DetailsPolicy;
  /** The caller passed `apiKey` or `authorize`; evaluated only where the policy depends on it, else false. */
  authorized: boolean;
  /** The response may carry details, error text and service info. */
  showDetails: boolean;
}

/** The access of a caller who is (or is not) authorized, under a policy where that matters. */
function granted(policy: DetailsPolicy, authorized: boolean): RouteAccess {
  return { policy, authorized, showDetails: policy === 'when-authorized' && authorized };
}

/** The part of an Express or Fastify request the module reads. */
export type RequestWithHeaders = { headers?: Record<string, string | string[] | undefined> };

/**
 * Decides, per request and route, whether details are shown: the route's policy (`routes.<route>.details`,
 * else `details`), and for `when-authorized` a valid API key (constant-time compare) or `authorize(request)`.
 */
@Injectable()
export class HealthAccess implements OnModuleInit {
  private readonly logger = new Logger('HealthModule');
  private readonly keys: ApiKeyMatcher;
  /** Neither `apiKey` nor `authorize` is set: no request is ever authorized. */
  private readonly anonymous: boolean;
  /** The access of each route when `anonymous`. */
  private readonly fixed = new Map<HealthRouteRow, RouteAccess>();

  constructor(@InjectHealthOptions() private readonly options: ResolvedHealthOptions) {
    this.keys = new ApiKeyMatcher(options.apiKeys);
    this.anonymous = !this.keys.configured && !options.authorize;
  }

  onModuleInit(): void {
    const relies = HEALTH_ROUTES.some((route) => route.details === 'route' && this.policyFor(route) === 'when-authorized');
    if (relies && !this.keys.configured && !this.options.authorize) {
      this.logger.log('details are "when-authorized" but neither apiKey nor authorize is set: probes answer with the status only');
    }
  }

  /** The details policy of a route; liveness is always `never`; a group's own `details` is given to `resolve`. */
  policyFor(route: HealthRoute): DetailsPolicy {
    const row = rowOf(route);
    if (row.details === 'never' || row.details === 'own-key') return 'never';
    if (row.details === 'group') return this.options.details;
    if (row.details === 'as-check') return this.policyFor(HEALTH_ROUTES.find((candidate) => candidate.answer === 'check')!);
    return this.options.routes?.[row.name as DetailsRoute]?.details ?? this.options.details;
  }

  /**
   * What the request may see on the route. Authorization is evaluated only where it changes the
   * answer, so a user's `authorize()` is not called for every kubelet probe under `always` or `never`.
   * A promise only when `authorize()` is asked.
   */
  resolve(route: HealthRoute, request: unknown, policy: DetailsPolicy = this.policyFor(route)): RouteAccess | Promise<RouteAccess> {
    return this.resolveNow(route, request, policy) ?? this.authorize(request).then((authorized) => granted(policy, authorized));
  }

  /** What `resolve()` decides without asking `authorize()`; `undefined` when only `authorize()` can tell (not asked here). */
  resolveNow(route: HealthRoute, request: unknown, policy?: DetailsPolicy): RouteAccess | undefined {
    const row = rowOf(route);
    if (policy === undefined) {
      // Without a key or `authorize()`, what a route shows is fixed by the options: decided once per route.
      const fixed = this.fixed.get(row);
      if (fixed) return fixed;
      policy = this.policyFor(row);
      if (this.anonymous) {
        const access = this.resolveNow(row, request, policy)!;
        this.fixed.set(row, access);
        return access;
      }
    }
    const matters = policy === 'when-authorized' || (row.requiresAuthorization === true && policy === 'never');
    if (row.details === 'never' || !matters) return { policy, authorized: false, showDetails: policy === 'always' && row.details !== 'never' };
    if (this.keys.configured && this.keys.matches(presentedApiKeys((request as RequestWithHeaders | undefined)?.headers))) return granted(policy, true);
    return this.options.authorize ? undefined : granted(policy, false);
  }

  private async authorize(request: unknown): Promise<boolean> {
    try {
      return (await this.options.authorize!(request)) === true;
    } catch (error) {
      this.logger.warn(redact(`authorize() threw; treating the request as unauthorized: ${describeError(error)}`));
      return false;
    }
  }
}
