import {
  erlangB,
  probabilityOfWaiting,
  queueFigures,
  requiredServers,
  trafficErlangs,
  withShrinkage,
} from './erlang-c';

describe('Erlang C', () => {
  // pyworkforce's README (pypi.org/project/pyworkforce): ErlangC(transactions=100, asa=20/60,
  // aht=3, interval=30, max_occupancy=0.85, shrinkage=0.3).required_positions(service_level=0.8)
  // → raw_positions 14, positions 20, service_level 0.8883500191794669,
  // occupancy 0.7142857142857143, waiting_probability 0.1741319335950498.
  describe('the pyworkforce published example', () => {
    const traffic = trafficErlangs(100, 30, 180);
    const sut = requiredServers({
      traffic,
      ahtSeconds: 180,
      targetAnswerSeconds: 20,
      targetServiceLevel: 0.8,
      maxOccupancy: 0.85,
    });

    it('offers 10 erlangs', () => expect(traffic).toBe(10));

    it('needs 14 servers and 20 people with 30% shrinkage', () => {
      expect(sut.servers).toBe(14);
      expect(withShrinkage(sut.servers, 0.3)).toBe(20);
    });

    it('gives the published service level, P(wait) and occupancy', () => {
      expect(sut.serviceLevel).toBeCloseTo(0.8883500191794669, 12);
      expect(sut.pWait).toBeCloseTo(0.1741319335950498, 12);
      expect(sut.occupancy).toBeCloseTo(0.7142857142857143, 12);
    });
  });

  // The ErlangC R package's README (CRAN, Damonsoul/ErlangC): erlang_c(100 calls, 30 min,
  // 180 s, 20 s, 14 agents) → wait_probability 0.1741319, service_level 0.88835,
  // average_speed_of_answer 7.83593701177724 s, occupancy 0.7142857; its calculate_agents
  // process table starts at 11 agents with wait_probability 0.6821182, service_level 0.3896138.
  describe('the ErlangC R package example', () => {
    it('gives an ASA of 7.84 s with 14 agents', () => {
      const sut = queueFigures(14, 10, 20, 180);
      expect(sut.asaSeconds).toBeCloseTo(7.83593701177724, 10);
      expect(sut.serviceLevel).toBeCloseTo(0.88835, 5);
      expect(sut.pWait).toBeCloseTo(0.1741319, 7);
    });

    it('gives its process table row for 11 agents', () => {
      const sut = queueFigures(11, 10, 20, 180);
      expect(sut.pWait).toBeCloseTo(0.6821182, 7);
      expect(sut.serviceLevel).toBeCloseTo(0.3896138, 7);
    });
  });

  // turbotab's README (pypi.org/project/turbotab): 25 calls per 600 s interval, AHT 180 s,
  // 80% within 20 s, shrinkage 0.3 → productive_agents 11, scheduled_agents 16.
  it('matches turbotab’s published staffing example', () => {
    const sut = requiredServers({
      traffic: trafficErlangs(25, 10, 180),
      ahtSeconds: 180,
      targetAnswerSeconds: 20,
      targetServiceLevel: 0.8,
      maxOccupancy: 1,
    });
    expect(sut.servers).toBe(11);
    expect(withShrinkage(sut.servers, 0.3)).toBe(16);
  });

  it('agrees with the factorial form of Erlang B where that form is exact', () => {
    // B(N, A) = (A^N / N!) / Σ_{k=0..N} A^k / k!, fine for small N.
    const factorialB = (n: number, a: number) => {
      let term = 1;
      let sum = 1;
      for (let k = 1; k <= n; k++) {
        term *= a / k;
        sum += term;
      }
      return term / sum;
    };
    for (const [n, a] of [
      [1, 0.5],
      [5, 3],
      [14, 10],
      [30, 22.5],
    ]) {
      expect(erlangB(n, a)).toBeCloseTo(factorialB(n, a), 14);
    }
  });

  it('never lowers the service level when a server is added', () => {
    for (const traffic of [0.3, 2, 10, 47.5, 300]) {
      for (const target of [0, 20, 180]) {
        let previous = -1;
        for (let n = 1; n <= Math.ceil(traffic) * 2 + 10; n++) {
          const { serviceLevel, pWait, asaSeconds } = queueFigures(n, traffic, target, 180);
          expect(serviceLevel).toBeGreaterThanOrEqual(previous);
          expect(pWait).toBeGreaterThanOrEqual(0);
          expect(pWait).toBeLessThanOrEqual(1);
          expect(asaSeconds).toBeGreaterThanOrEqual(0);
          previous = serviceLevel;
        }
      }
    }
  });

  it('is unstable (P(wait) 1, service level 0) with no more servers than erlangs', () => {
    expect(probabilityOfWaiting(10, 10)).toBe(1);
    expect(queueFigures(9, 10, 20, 180)).toMatchObject({ pWait: 1, serviceLevel: 0 });
    expect(queueFigures(9, 10, 20, 180).asaSeconds).toBe(Infinity);
  });

  it('needs nobody when nothing arrives', () => {
    const sut = requiredServers({
      traffic: 0,
      ahtSeconds: 180,
      targetAnswerSeconds: 20,
      targetServiceLevel: 0.8,
      maxOccupancy: 1,
    });
    expect(sut).toMatchObject({ servers: 0, pWait: 0, serviceLevel: 1, asaSeconds: 0 });
  });

  it('lets the occupancy cap decide when it asks for more than the service level', () => {
    const target = {
      traffic: 10,
      ahtSeconds: 180,
      targetAnswerSeconds: 20,
      targetServiceLevel: 0.5,
    };
    expect(requiredServers({ ...target, maxOccupancy: 1 }).servers).toBe(12);
    // 10 / 0.6 = 16.7: 17 servers, though 12 meet the service level.
    const capped = requiredServers({ ...target, maxOccupancy: 0.6 });
    expect(capped.servers).toBe(17);
    expect(capped.occupancy).toBeLessThanOrEqual(0.6);
  });

  describe('very large traffic (10 000 erlangs)', () => {
    const target = {
      traffic: 10_000,
      ahtSeconds: 180,
      targetAnswerSeconds: 20,
      targetServiceLevel: 0.8,
      maxOccupancy: 1,
    };

    it('gives finite figures just past the traffic, and the smallest N that meets the target', () => {
      const sut = requiredServers(target);
      expect(sut.servers).toBeGreaterThan(10_000);
      expect(sut.serviceLevel).toBeGreaterThanOrEqual(0.8);
      expect(queueFigures(sut.servers - 1, 10_000, 20, 180).serviceLevel).toBeLessThan(0.8);
      for (const value of [sut.pWait, sut.serviceLevel, sut.asaSeconds, sut.occupancy]) {
        expect(Number.isFinite(value)).toBe(true);
      }
      // Square-root staffing puts N near A + β√A with β of about 1: a hundred or so above A.
      expect(sut.servers).toBeLessThan(10_300);
    });

    it('takes one Erlang B step per server considered (linear, not quadratic)', () => {
      const sut = requiredServers(target);
      expect(sut.steps).toBe(sut.servers);
    });

    it('answers well within 100 ms (best of three, so a busy machine does not fail it)', () => {
      const times = [0, 1, 2].map(() => {
        const start = performance.now();
        requiredServers(target);
        return performance.now() - start;
      });
      expect(Math.min(...times)).toBeLessThan(100);
    });
  });

  it('rounds people up after shrinkage, without adding one for floating-point noise', () => {
    expect(withShrinkage(14, 0)).toBe(14);
    expect(withShrinkage(14, 0.3)).toBe(20);
    expect(withShrinkage(7, 0.3)).toBe(10);
    expect(withShrinkage(15, 0.3)).toBe(22);
    expect(withShrinkage(0, 0.5)).toBe(0);
  });
});
