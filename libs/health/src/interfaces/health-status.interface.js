export const CHECK_STATUSES = ['UP', 'DEGRADED', 'DOWN'];
export const HEALTH_STATUSES = ['UP', 'DEGRADED', 'DOWN', 'STARTING', 'SHUTTING_DOWN'];
export const PROBES = ['liveness', 'readiness', 'startup'];
//# sourceMappingURL=health-status.interface.js.map