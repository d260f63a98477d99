/** The figures of a run: one line per phase as it ends, then the summary table. */
const { seconds, connections, rounds, kit, hasKit, useWrk } = require('./options');

const rows = [];
function record(server, route, figures) {
  const row = { server, route, ...figures };
  rows.push(row);
  console.log(
    `${server.padEnd(24)} ${route.padEnd(15)} ${String(Math.round(row.rps)).padStart(7)} req/s  p50 ${row.p50.toFixed(1).padStart(7)} ms  p99 ${row.p99.toFixed(1).padStart(7)} ms` +
      (row.cpuUs ? `  CPU ${Math.round(row.cpuUs)} us/req` : '') +
      (row.non2xx ? `  non-2xx ${row.non2xx}` : '') +
      (row.errors ? `  socket errors/timeouts ${row.errors}` : ''),
  );
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function printHeader() {
  console.log(
    `${useWrk ? 'wrk -t1' : 'autocannon'}, ${connections} connections, ${seconds} s per route, one server at a time` +
      (hasKit ? `; ceiling and yardstick from ${kit}` : ''),
  );
}

/** Each server and route once: the median of its rounds, and its ratios to the kit's servers. */
function printSummary() {
  console.log(
    `\nSummary (one run${rounds > 1 ? `, medians of ${rounds} rounds` : ''}; ratios are the service over the ceiling and the yardstick of this run)`,
  );
  const summary = [];
  for (const row of rows) {
    if (summary.some((s) => s.server === row.server && s.route === row.route)) continue;
    const same = rows.filter((r) => r.server === row.server && r.route === row.route);
    const pick = (key) => median(same.map((r) => r[key]).filter((v) => v !== undefined));
    summary.push({ server: row.server, route: row.route, rps: pick('rps'), p50: pick('p50'), p99: pick('p99'), cpuUs: pick('cpuUs'), non2xx: pick('non2xx'), errors: pick('errors') });
  }
  const reference = (server, route) => summary.find((r) => r.server === server && r.route === route);
  console.table(
    summary.map((r) => {
      const ceiling = reference('ceiling', r.route);
      const yardstick = reference('yardstick', r.route);
      const service = r.server.startsWith('service');
      return {
        server: r.server,
        route: r.route,
        'req/s': Math.round(r.rps),
        'p50 ms': Number(r.p50.toFixed(1)),
        'p99 ms': Number(r.p99.toFixed(1)),
        'p99/p50': Number((r.p99 / r.p50).toFixed(1)),
        ...(r.cpuUs ? { 'CPU us/req': Math.round(r.cpuUs) } : {}),
        ...(hasKit && service
          ? {
              'x ceiling req/s': Number((r.rps / ceiling.rps).toFixed(2)),
              'x ceiling p99': Number((r.p99 / ceiling.p99).toFixed(2)),
              'x yardstick req/s': Number((r.rps / yardstick.rps).toFixed(2)),
              ...(r.cpuUs && ceiling.cpuUs ? { 'x ceiling CPU/req': Number((r.cpuUs / ceiling.cpuUs).toFixed(2)) } : {}),
            }
          : {}),
        ...(r.non2xx ? { 'non-2xx': r.non2xx } : {}),
        ...(r.errors ? { 'socket errors': r.errors } : {}),
      };
    }),
  );
  printOfferRatios();
}

/**
 * POST /requests on an offer source over the same on a direct source: each round's ratio (the two
 * servers ran one after the other) and their median, on SQLite and on PostgreSQL (one instance).
 */
function printOfferRatios() {
  const pairs = [
    ['SQLite', 'service offer', 'service plain'],
    ['PostgreSQL', 'service PostgreSQL offer x1', 'service PostgreSQL x1'],
  ];
  for (const [label, offer, direct] of pairs) {
    const byRound = (server, key) => {
      const figures = new Map();
      for (const r of rows) if (r.server === server && r.route === 'POST /requests' && r[key] !== undefined) figures.set(r.round, r[key]);
      return figures;
    };
    const ratiosOf = (key) => {
      const offers = byRound(offer, key);
      const directs = byRound(direct, key);
      return [...offers].filter(([round]) => directs.has(round)).map(([round, value]) => value / directs.get(round));
    };
    const ratios = ratiosOf('rps');
    if (ratios.length === 0) continue;
    const cpu = ratiosOf('cpuUs');
    const list = (values) => (values.length > 1 ? ` (rounds ${values.map((r) => r.toFixed(2)).join(' ')})` : '');
    console.log(
      `POST /requests on an offer source / on a direct source, ${label}: req/s ${median(ratios).toFixed(2)}${list(ratios)}` +
        (cpu.length > 0 ? `; CPU per request ${median(cpu).toFixed(2)}${list(cpu)}` : '') +
        ` - ${Math.round(median([...byRound(offer, 'rps').values()]))} against ${Math.round(median([...byRound(direct, 'rps').values()]))} req/s. ` +
        'Each request is offered to the chosen operator (a claim of offered_load, the offer row, the ' +
        "request's pending offer); the offers outlast the run: none expires and no request waits",
    );
  }
}

/**
 * Each webhook setup's median over the rounds, and each round's own ratio (to that round's figure
 * without a webhook, seconds apart): the median of those is the figure to compare, and their
 * spread shows how far one run can be trusted.
 */
function printWebhookSummary(labels, webhookRounds) {
  const byRound = (label) => {
    const figures = [];
    for (const r of rows) if (r.server === `service ${label}`) figures[r.round] = r.rps;
    return figures;
  };
  const base = byRound('no webhook');
  for (const label of labels) {
    const figures = byRound(label);
    const ratios = figures.map((rps, round) => rps / base[round]);
    const medianRps = median(figures);
    console.log(
      label === 'no webhook'
        ? `${label}: median ${Math.round(medianRps)} req/s over ${webhookRounds} round(s)`
        : `${label}: median ${Math.round(medianRps)} req/s (${((medianRps / median(base) - 1) * 100).toFixed(1)}%); ` +
            `ratio to no webhook in the same round: median ${median(ratios).toFixed(2)} ` +
            `(rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})`,
    );
  }
}

module.exports = { rows, record, printHeader, printSummary, printWebhookSummary };
