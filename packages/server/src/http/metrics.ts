import client from 'prom-client';
import type { AppInstance } from './types.js';

/** Prometheus metrics on a registry of this app instance (tests build many apps in one process). */
export function installMetrics(app: AppInstance): client.Registry {
  const register = new client.Registry();
  client.collectDefaultMetrics({ register, prefix: 'yunying_' });
  const requests = new client.Counter({
    name: 'yunying_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [register],
  });
  const duration = new client.Histogram({
    name: 'yunying_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [register],
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    duration.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  });
  return register;
}
