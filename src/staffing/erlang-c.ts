/**
 * Erlang C (M/M/N: Poisson arrivals, exponential handle times, N servers, an unlimited queue of
 * patient customers), computed without factorials or powers so that it stays exact for large
 * traffic.
 *
 * Sources for the formulas:
 * - Erlang B by its recurrence B(0, A) = 1, B(n, A) = A·B(n−1, A) / (n + A·B(n−1, A)), and
 *   Erlang C from Erlang B, C(N, A) = N·B(N, A) / (N − A·(1 − B(N, A))): V. B. Iversen,
 *   "Teletraffic Engineering and Network Planning", Technical University of Denmark / ITU-D
 *   handbook (the recursion of Erlang's B-formula, and the relation between the C and B formulas);
 *   also https://en.wikipedia.org/wiki/Erlang_(unit) (sections "Erlang B formula" and
 *   "Erlang C formula").
 * - Service level P(wait ≤ T) = 1 − C·e^(−(N−A)·T/AHT) and ASA = C·AHT/(N−A): the same pages.
 * The recurrence keeps every intermediate value in [0, 1], where the textbook form
 * (A^N/N! over a sum of A^k/k!) overflows a double above about 170 servers.
 */

/** Offered traffic in erlangs: the mean number of conversations in progress at once. */
export function trafficErlangs(arrivals: number, intervalMinutes: number, ahtSeconds: number) {
  return (arrivals * ahtSeconds) / (intervalMinutes * 60);
}

/**
 * Steps the Erlang B recurrence one server at a time, so a search for the smallest N computes
 * each B(n) once: O(N) for the whole search.
 */
class ErlangB {
  servers = 0;
  blocking = 1;

  constructor(readonly traffic: number) {}

  next(): number {
    this.servers += 1;
    const ab = this.traffic * this.blocking;
    this.blocking = ab / (this.servers + ab);
    return this.blocking;
  }
}

/** Erlang B: the probability that all of `servers` are busy in a loss system. */
export function erlangB(servers: number, traffic: number): number {
  const b = new ErlangB(traffic);
  while (b.servers < servers) b.next();
  return b.blocking;
}

/** C from B; 1 when the servers cannot keep up (N ≤ A: the queue grows without bound). */
function erlangCFromB(servers: number, traffic: number, blocking: number): number {
  if (servers <= traffic) return 1;
  return (servers * blocking) / (servers - traffic * (1 - blocking));
}

/** Erlang C: the probability that an arriving customer has to wait, P(wait). */
export function probabilityOfWaiting(servers: number, traffic: number): number {
  if (traffic === 0) return 0;
  return erlangCFromB(servers, traffic, erlangB(servers, traffic));
}

export interface QueueFigures {
  servers: number;
  /** P(wait): the share of customers who wait at all. */
  pWait: number;
  /** The share answered within the target: 1 − P(wait)·e^(−(N−A)·T/AHT). */
  serviceLevel: number;
  /** Average speed of answer, over every customer (those answered at once count as 0). */
  asaSeconds: number;
  /** A / N: the share of the servers' time spent in conversation. */
  occupancy: number;
}

function figures(
  servers: number,
  traffic: number,
  pWait: number,
  targetAnswerSeconds: number,
  ahtSeconds: number,
): QueueFigures {
  if (traffic === 0) {
    return { servers, pWait: 0, serviceLevel: 1, asaSeconds: 0, occupancy: 0 };
  }
  if (servers <= traffic) {
    // Unstable: the queue grows for ever, nobody waiting is answered within any target.
    return {
      servers,
      pWait: 1,
      serviceLevel: 0,
      asaSeconds: Infinity,
      occupancy: servers === 0 ? 1 : Math.min(1, traffic / servers),
    };
  }
  const spare = servers - traffic;
  return {
    servers,
    pWait,
    serviceLevel: 1 - pWait * Math.exp((-spare * targetAnswerSeconds) / ahtSeconds),
    asaSeconds: (pWait * ahtSeconds) / spare,
    occupancy: traffic / servers,
  };
}

/** P(wait), service level, ASA and occupancy of `servers` servers under `traffic` erlangs. */
export function queueFigures(
  servers: number,
  traffic: number,
  targetAnswerSeconds: number,
  ahtSeconds: number,
): QueueFigures {
  return figures(
    servers,
    traffic,
    probabilityOfWaiting(servers, traffic),
    targetAnswerSeconds,
    ahtSeconds,
  );
}

export interface StaffingTarget {
  traffic: number;
  ahtSeconds: number;
  targetAnswerSeconds: number;
  /** Wanted share answered within the target, in (0, 1). */
  targetServiceLevel: number;
  /** Highest acceptable A / N, in (0, 1]. */
  maxOccupancy: number;
}

export interface RequiredServers extends QueueFigures {
  /** Erlang B steps taken: one per server considered, so the search is O(N). */
  steps: number;
}

/**
 * The smallest N that meets the target service level and keeps occupancy at or under the cap,
 * with its figures. 0 servers when no traffic is offered.
 */
export function requiredServers(target: StaffingTarget): RequiredServers {
  const { traffic, ahtSeconds, targetAnswerSeconds, targetServiceLevel, maxOccupancy } = target;
  if (traffic === 0) return { ...figures(0, 0, 0, targetAnswerSeconds, ahtSeconds), steps: 0 };
  const b = new ErlangB(traffic);
  for (;;) {
    const blocking = b.next();
    const n = b.servers;
    if (n <= traffic || traffic / n > maxOccupancy) continue;
    const result = figures(
      n,
      traffic,
      erlangCFromB(n, traffic, blocking),
      targetAnswerSeconds,
      ahtSeconds,
    );
    if (result.serviceLevel >= targetServiceLevel) return { ...result, steps: b.servers };
  }
}

/**
 * People to schedule so that `servers` are at work after shrinkage (breaks, meetings, absence):
 * ceil(N / (1 − shrinkage)). The tolerance keeps a quotient that is whole on paper but a hair
 * above it in floating point (14 / 0.7) from costing one more person.
 */
export function withShrinkage(servers: number, shrinkage: number): number {
  if (servers === 0) return 0;
  return Math.ceil(servers / (1 - shrinkage) - 1e-9);
}
