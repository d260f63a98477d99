/**
 * A long request history written straight into the database in bulk SQL (not over HTTP, which
 * would take hours): `rows` requests evenly spread over the `days` before `end`, across the given
 * sources, with their events as the lifecycle writes them. The same statements on both dialects,
 * so SQLite and PostgreSQL hold the same history.
 *
 * Each request's fate comes from a hash of its id (h in 0..999), so the mix is fixed:
 *   h <  800  assigned at intake (wait 0); 800..849 of them after a declined offer, 850..869
 *             assigned by an accepted offer (trigger 'offer') instead
 *   h <  950  waited 1..600 s ('waiting'), then assigned by the drain
 *   else      waited 1..600 s, then closed before any assignment (abandoned)
 * An assigned request is closed 60..1859 s after its assignment, unless that is after `end`.
 * Each request row carries the facts the lifecycle keeps on it (first assignment, first close,
 * offer outcomes), as its events say.
 */

const ORDER = { created: 0, waiting: 1, offer_declined: 2, assigned: 3, closed: 4 };

/** The dialect's bits; everything else is shared SQL. */
const DIALECTS = {
  sqlite: {
    series: (n) => `WITH RECURSIVE series(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM series WHERE i < ${n - 1})`,
    // TypeORM's SQLite text form, UTC.
    ts: (seconds) => `strftime('%Y-%m-%d %H:%M:%f', ${seconds}, 'unixepoch')`,
    text: (expr) => `CAST(${expr} AS TEXT)`,
  },
  postgres: {
    series: (n) => `WITH series(i) AS (SELECT generate_series(0, ${n - 1})::bigint)`,
    ts: (seconds) => `to_timestamp(${seconds})`,
    text: (expr) => `CAST(${expr} AS text)`,
  },
};

/**
 * The statements, in order. `firstLead` is the id of the first of `leads` leads made by the
 * caller; requests get ids from 1 (a fresh database), so the request's index is `id - 1`.
 */
function historyStatements(dialect, { rows, days, end, sourceIds, operatorIds, leadCount, firstLead }) {
  const d = DIALECTS[dialect];
  const endSeconds = Math.floor(end.getTime() / 1000);
  const span = days * 86400;
  // Integer seconds, the same on both dialects: the i-th request of `rows` over `span`.
  const createdOf = (i) => `${endSeconds} - (CAST(${rows} - (${i}) AS bigint) * ${span}) / ${rows}`;
  // CASE pick: element k (0-based) of a list by an integer expression.
  const pick = (list, expr) =>
    `CASE (${expr}) % ${list.length} ${list.map((v, k) => `WHEN ${k} THEN ${v}`).join(' ')} END`;

  // Per request of `rows` (which have its index i): its hash h, and the seconds of each step of
  // its life (closed: when it is closed, which may be after `end`).
  const life = (rows) => `SELECT d.*,
      d.decided + CASE WHEN d.h < 950 THEN 60 + (d.i * 7) % 1800 ELSE 0 END AS closed
    FROM (SELECT r.*,
        CASE WHEN r.h < 870 THEN r.created ELSE r.created + 1 + (r.h * 37) % 600 END AS decided
      FROM (SELECT x.*, (x.i * 2654435761) % 1000 AS h, ${createdOf('x.i')} AS created
        FROM (${rows}) x) r) d`;
  const facts = life('SELECT id, source_id, operator_id, id - 1 AS i FROM requests');

  const requestJson = (id) =>
    `'{"id":' || ${d.text(id)} || ',"lead_id":1,"source_id":1,"operator_id":null,"status":"active",` +
    `"message":"seeded history","created_at":"2026-01-01T00:00:00.000Z","assigned_at":null,` +
    `"updated_at":"2026-01-01T00:00:00.000Z","skills":[],"priority":0,"skills_relaxed":false}'`;
  const event = (type, operator, trigger, seconds, where) =>
    `SELECT f.id AS request_id, f.source_id, '${type}' AS type, ${operator} AS operator_id,
       ${trigger} AS trigger, ${seconds} AS at, ${ORDER[type]} AS ord
     FROM facts f ${where ? `WHERE ${where}` : ''}`;
  const assignedTrigger = `CASE WHEN f.h < 800 THEN 'intake' WHEN f.h < 850 THEN 'intake'
    WHEN f.h < 870 THEN 'offer' ELSE 'drain' END`;

  return [
    `${d.series(rows)}
     INSERT INTO requests (lead_id, source_id, operator_id, status, message, decision, created_at,
       assigned_at, updated_at, first_assigned_at, first_closed_at, offers_accepted,
       offers_declined, offers_expired)
     SELECT ${firstLead} + f.i % ${leadCount}, ${pick(sourceIds, 'f.i')},
       CASE WHEN f.h < 950 THEN ${pick(operatorIds, 'f.i / 7')} END,
       'closed', 'seeded history', NULL,
       ${d.ts('f.created')}, ${d.ts('f.created')}, ${d.ts('f.created')},
       CASE WHEN f.h < 950 AND f.decided <= ${endSeconds} THEN ${d.ts('f.decided')} END,
       CASE WHEN f.closed <= ${endSeconds} THEN ${d.ts('f.closed')} END,
       CASE WHEN f.h >= 850 AND f.h < 870 THEN 1 ELSE 0 END,
       CASE WHEN f.h >= 800 AND f.h < 850 THEN 1 ELSE 0 END, 0
     FROM (${life('SELECT i FROM series')}) f`,
    // Every event, in the order they happened (ids grow with time, as in a real history).
    `WITH facts AS (${facts}),
     events AS (
       ${event('created', 'CAST(NULL AS integer)', 'CAST(NULL AS varchar)', 'f.created')}
       UNION ALL ${event('waiting', 'CAST(NULL AS integer)', 'CAST(NULL AS varchar)', 'f.created', 'f.h >= 870')}
       UNION ALL ${event('offer_declined', 'f.operator_id', 'CAST(NULL AS varchar)', 'f.created', 'f.h >= 800 AND f.h < 850')}
       UNION ALL ${event('assigned', 'f.operator_id', assignedTrigger, 'f.decided', 'f.h < 950')}
       UNION ALL ${event('closed', 'f.operator_id', 'CAST(NULL AS varchar)', 'f.closed', `f.closed <= ${endSeconds}`)}
     )
     INSERT INTO request_events (event_id, request_id, source_id, type, operator_id,
       previous_operator_id, trigger, actor, request, created_at)
     SELECT 'evt_seed_' || ${d.text('e.request_id')} || '_' || e.type, e.request_id, e.source_id, e.type,
       e.operator_id, NULL, e.trigger, CASE WHEN e.type = 'created' THEN 'intake' ELSE 'system' END,
       ${requestJson('e.request_id')}, ${d.ts('e.at')}
     FROM events e WHERE e.at <= ${endSeconds} ORDER BY e.at, e.request_id, e.ord`,
    // The requests not closed by `end` are still active with their operator.
    `UPDATE requests SET status = 'active' WHERE id IN (
       SELECT id FROM (${facts}) f WHERE f.h < 950 AND f.closed > ${endSeconds})`,
  ];
}

module.exports = { historyStatements };
