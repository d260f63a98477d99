import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Request } from 'express';
import type { ResponseObserver } from '../common/response-observer';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { collectStoppableDefaultMetrics } from './default-metrics';
import { MetricsRepository } from './metrics.repository';

export type AssignmentOutcome = 'assigned' | 'unassigned';

/**
 * The service's Prometheus metrics, in a registry of this app instance (not prom-client's
 * global one), so that several apps in one process (the e2e tests) keep separate counts.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);

  private readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly assignments = new Counter({
    name: 'assignments_total',
    help: 'Requests registered, by source id and whether an operator was assigned',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly operatorLoad = new Gauge({
    name: 'operator_current_load',
    help: 'Active requests of each operator (read from the database on scrape)',
    labelNames: ['operator'] as const,
    registers: [this.registry],
  });

  private readonly operatorCapacity = new Gauge({
    name: 'operator_max_load',
    help: 'max_load of each operator (read from the database on scrape)',
    labelNames: ['operator', 'active'] as const,
    registers: [this.registry],
  });

  private readonly unassigned = new Gauge({
    name: 'unassigned_requests',
    help: 'Requests stored without an operator, by source id (read from the database on scrape)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  private readonly waiting = new Gauge({
    name: 'waiting_requests',
    help: 'Requests waiting for an operator (active, none assigned), by source id (read on scrape)',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  private readonly waitTime = new Histogram({
    name: 'request_wait_seconds',
    help: 'Time from a request’s arrival to its assignment (0 when assigned at intake)',
    buckets: [0, 1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14400, 86400],
    registers: [this.registry],
  });

  private readonly databaseUp = new Gauge({
    name: 'database_up',
    help: '1 when the last scrape could read the database, else 0',
    registers: [this.registry],
  });

  /** Requests received and not yet answered (or abandoned): logged at shutdown, and a gauge. */
  private inFlightCount = 0;

  private readonly inFlightGauge: Gauge = new Gauge({
    name: 'http_requests_in_flight',
    help: 'HTTP requests received and not yet answered',
    registers: [this.registry],
    collect: () => {
      this.inFlightGauge.set(this.inFlightCount);
    },
  });

  private readonly stopDefaultMetrics: () => void;

  constructor(private readonly database: MetricsRepository) {
    // Includes the event-loop lag: nodejs_eventloop_lag_seconds and, from
    // perf_hooks.monitorEventLoopDelay, nodejs_eventloop_lag_{min,max,mean,stddev,p50,p90,p99}_seconds.
    this.stopDefaultMetrics = collectStoppableDefaultMetrics(this.registry);
  }

  onApplicationShutdown(): void {
    this.stopDefaultMetrics();
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  /** A request registered (counted once, after its transaction committed). */
  recordIntake(sourceId: number, assigned: boolean): void {
    const outcome: AssignmentOutcome = assigned ? 'assigned' : 'unassigned';
    this.assignments.inc({ source: String(sourceId), outcome });
    if (assigned) this.waitTime.observe(0);
  }

  /** A waiting request got its operator after `seconds`. */
  recordWait(seconds: number): void {
    this.waitTime.observe(seconds);
  }

  /** Observes every response (see observeResponses), labelled by its route template. */
  httpObserver(): ResponseObserver<Request> {
    // One labelled child per (method, route, status), looked up by a string key, instead of
    // prom-client hashing a label object on every observation.
    const children = new Map<string, { observe(value: number): void }>();
    return {
      started: () => {
        this.inFlightCount++;
      },
      finished: (request, response, elapsedMs) => {
        this.inFlightCount--;
        if (!response.writableFinished) return; // abandoned by the client: no response was sent
        const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
        const key = `${request.method} ${response.statusCode} ${route}`;
        let child = children.get(key);
        if (!child) {
          child = this.httpDuration.labels(request.method, route, String(response.statusCode));
          children.set(key, child);
        }
        child.observe(elapsedMs / 1000);
      },
    };
  }

  /** The text exposition, with the database gauges read fresh. */
  async render(): Promise<string> {
    await this.refreshFromDatabase();
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private async refreshFromDatabase(): Promise<void> {
    try {
      const { operators, unassigned, waiting } = await this.database.snapshot();
      this.operatorLoad.reset();
      this.operatorCapacity.reset();
      this.unassigned.reset();
      this.waiting.reset();
      for (const row of waiting) this.waiting.set({ source: String(row.sourceId) }, row.count);
      for (const row of operators) {
        const operator = String(row.id);
        this.operatorLoad.set({ operator }, row.currentLoad);
        this.operatorCapacity.set({ operator, active: String(row.isActive) }, row.maxLoad);
      }
      for (const row of unassigned) {
        this.unassigned.set({ source: String(row.sourceId) }, row.count);
      }
      this.databaseUp.set(1);
    } catch (error) {
      this.databaseUp.set(0);
      this.logger.warn(`metrics: cannot read the database: ${String(error)}`);
    }
  }
}
