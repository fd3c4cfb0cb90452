/**
 * A route of the app as it is served: the HTTP method and the full path (global prefix, module path,
 * URI version and controller path included), or `GRPC` and `Service/Method` for a gRPC handler.
 * @publicApi
 */
export interface RouteEndpoint {
  method: string;
  path: string;
  /** Whether the route answers 503 (fail fast) while this check is DOWN; `false`: it only lists the check. */
  failFast: boolean;
}
