-- One intake (POST /requests) as the service runs it on PostgreSQL, for pgbench (-f, -M prepared).
-- scripts/bench-postgres.js runs whatever this file holds: when the intake's statements change,
-- change this file with them (capture them with ALTER DATABASE <db> SET log_statement = 'all',
-- one POST /requests, and the server log; see README, "PostgreSQL against pgbench").
--
-- Mirrors, in order, one intake of a weighted-random, non-sticky source with room for everyone
-- and no webhook subscription (as captured at bc093ed):
--   BEGIN ... COMMIT   TransactionRunner.run: START TRANSACTION ... COMMIT, read committed
--   statement 1        leads.service.ts SELECT_SOURCE_WITH_NEW_LEAD: the lead's insert-or-ignore
--                      and the source, locked in share mode, in one statement
--   statement 2        distribution.service.ts CONFIGURED_OPERATORS: the source's operators with
--                      their load and weight
--   statement 3        request-store.ts CLAIM_ACTIVE_OPERATOR: one unit of the chosen operator
--   statement 4        request-store.ts INSERT_REQUEST
--   statement 5        request-events.writer.ts + webhook-outbox.ts enqueueWithInsert: the
--                      'created' and 'assigned' events and their deliveries in one statement
-- The texts are the service's; its parameters are pgbench variables (sent as parameters), except
-- values that are the same in every intake (event types, actor, message: literals here) and
-- timestamps (now() here: pgbench has no timestamp variables; the service sends one instant per
-- intake). The operator is drawn here by the seeded weights 1..n, not from what statement 2 read.
--
-- Variables from the harness (-D): first_source and sources (consecutive source ids, one drawn
-- per intake), first_operator and operators (consecutive ids, weights 1..operators on every
-- source), active ('true'), decision and request_json (JSON of the size the service stores),
-- lock_token (the outbox claim token), attempts (1: the dispatcher claims at insert).
\set source_id :first_source + random(0, :sources - 1)
\set draw random(0, :operators * (:operators + 1) / 2 - 1)
-- the k-th operator (from 0) for draws k(k+1)/2 .. (k+1)(k+2)/2 - 1: floor((sqrt(8 draw + 1) - 1) / 2),
-- written with int(), which rounds
\set operator_id :first_operator + int((sqrt(8 * :draw + 1) - 1) / 2 - 0.5 + 0.000001)
\set lead_external_id :client_id * 1000000000000000 + random(0, 999999999999999)
\set event_created random(1, 9000000000000000000)
\set event_assigned random(1, 9000000000000000000)

BEGIN;

WITH lead AS (INSERT INTO leads (external_id, name, email, phone, created_at)
  VALUES (:lead_external_id, NULL, NULL, NULL, now()) ON CONFLICT (external_id) DO NOTHING RETURNING id)
  SELECT s.id, s.strategy, s.sticky, (SELECT id FROM lead) AS "leadId" FROM sources s WHERE s.id = :source_id
  FOR SHARE OF s
\gset src_

SELECT o.id AS "operatorId", o.name AS "operatorName",
    o.is_active AS "isActive", o.current_load AS "currentLoad", o.max_load AS "maxLoad",
    w.weight AS "weight"
  FROM operator_source_weights w JOIN operators o ON o.id = w.operator_id
  WHERE w.source_id = :source_id ORDER BY o.id;

UPDATE operators SET current_load = current_load + 1
  WHERE id = :operator_id AND current_load < max_load AND is_active = :active RETURNING id;

INSERT INTO requests
  (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at,
    first_assigned_at)
  VALUES (:src_leadId, :source_id, :operator_id, 'active', 'bench', :decision, now(), now(), now(), now()) RETURNING id
\gset request_

WITH events AS (INSERT INTO request_events (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger, actor, request, created_at) VALUES (:event_created, :request_id, :source_id, 'created', NULL, NULL, NULL, 'intake', :request_json, now()), (:event_assigned, :request_id, :source_id, 'assigned', :operator_id, NULL, 'intake', 'intake', :request_json, now()) RETURNING id, event_id, type, source_id), deliveries AS (INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, status, attempts, lock_token, next_attempt_at, created_at, updated_at) SELECT s.id, e.id, e.event_id, t.webhook_type, 'pending', CAST(:attempts AS integer), CAST(:lock_token AS varchar(40)), CAST(now() + interval '65 seconds' AS timestamptz), CAST(now() AS timestamptz), CAST(now() AS timestamptz) FROM events e JOIN (VALUES ('created', 'request.created', 1), ('assigned', 'request.assigned', 2), ('waiting', 'request.waiting', 4), ('reassigned', 'request.assigned', 2), ('closed', 'request.closed', 8), ('reopened', 'request.reopened', 16)) t (type, webhook_type, bit) ON t.type = e.type JOIN webhook_subscriptions s ON (s.event_mask & t.bit) <> 0 AND (s.source_id IS NULL OR s.source_id = e.source_id) WHERE s.is_active = :active RETURNING id, subscription_id AS "subscriptionId", event_id AS "eventId") SELECT * FROM deliveries;

COMMIT;
