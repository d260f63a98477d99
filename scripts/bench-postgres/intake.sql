-- One intake (POST /requests) as the service runs it on PostgreSQL, for pgbench (-f, -M prepared).
-- scripts/bench-postgres.js runs whatever this file holds. test/e2e/bench-mirror.e2e-spec.ts
-- fails while these statements differ from what the service sends (values aside), and prints
-- both: when the intake's statements change, change this file with them.
--
-- Mirrors src/requests/lifecycle/postgres-intake.ts: an intake of a weighted-random source with
-- room is two statements and no BEGIN/COMMIT (each statement its own transaction):
--   statement 1   READ: the source's rules and operators (and a sticky source's last operator
--                 of the lead), taken before any lock
--   statement 2   intakeStatement: the lead upsert, the claim, the request, its two events and
--                 their webhook deliveries, in one statement
-- The texts are the service's; its parameters are pgbench variables, except timestamps (now()
-- here: pgbench has no timestamp variables) and the request's JSON tail (a sample of its size).
-- The operator is drawn here by the seeded weights 1..n, not from what statement 1 read.
-- intake-transaction.sql is the transactional path (a waiting intake, a round-robin source).
--
-- Variables from the harness (-D): first_source and sources, first_operator and operators,
-- active ('true'), decision and request_json, lock_token, attempts, priority (the source's default).
\set source_id :first_source + random(0, :sources - 1)
\set draw random(0, :operators * (:operators + 1) / 2 - 1)
\set operator_id :first_operator + int((sqrt(8 * :draw + 1) - 1) / 2 - 0.5 + 0.000001)
\set lead_external_id :client_id * 1000000000000000 + random(0, 999999999999999)
\set event_created random(1, 9000000000000000000)
\set event_assigned random(1, 9000000000000000000)

SELECT s.id, s.strategy, s.sticky, s.required_skills AS "requiredSkills",
    s.skill_fallback_seconds AS "skillFallbackSeconds", s.default_priority AS "defaultPriority",
    s.assignment, s.offer_timeout_seconds AS "offerTimeoutSeconds",
    CASE WHEN s.sticky THEN (SELECT r.operator_id FROM requests r JOIN leads l ON l.id = r.lead_id
      WHERE l.external_id = :lead_external_id AND r.source_id = s.id AND r.operator_id IS NOT NULL
      ORDER BY r.id DESC LIMIT 1) END AS "stickyOperatorId",
    o.id AS "operatorId", o.name AS "operatorName", o.is_active AS "isActive",
    o.current_load AS "currentLoad", o.offered_load AS "offeredLoad", o.max_load AS "maxLoad", w.weight,
    o.skills, o.presence, o.schedule, o.next_shift_change_at AS "nextShiftChangeAt"
  FROM sources s LEFT JOIN operator_source_weights w ON w.source_id = s.id
    LEFT JOIN operators o ON o.id = w.operator_id
  WHERE s.id = :source_id ORDER BY o.id;

WITH lead AS ( INSERT INTO leads (external_id, name, email, phone, created_at) VALUES (:lead_external_id, NULL, NULL, NULL, now()) ON CONFLICT (external_id) DO UPDATE SET name = CASE WHEN COALESCE(TRIM(leads.name), '') = '' AND COALESCE(TRIM(EXCLUDED.name), '') <> '' THEN EXCLUDED.name ELSE leads.name END, email = CASE WHEN COALESCE(TRIM(leads.email), '') = '' AND COALESCE(TRIM(EXCLUDED.email), '') <> '' THEN EXCLUDED.email ELSE leads.email END, phone = CASE WHEN COALESCE(TRIM(leads.phone), '') = '' AND COALESCE(TRIM(EXCLUDED.phone), '') <> '' THEN EXCLUDED.phone ELSE leads.phone END RETURNING id), claim AS (UPDATE operators SET current_load = current_load + 1 WHERE id = :operator_id AND current_load + offered_load < max_load AND is_active AND presence = 'available' AND EXISTS (SELECT 1 FROM operator_source_weights w WHERE w.source_id = :source_id AND w.operator_id = operators.id AND w.weight > 0) AND next_shift_change_at IS NOT DISTINCT FROM CAST(NULL AS timestamptz) AND (next_shift_change_at IS NULL OR next_shift_change_at > CAST(now() AS timestamptz)) RETURNING id), request AS (INSERT INTO requests (lead_id, source_id, operator_id, status, message, decision, created_at, assigned_at, updated_at, priority, first_assigned_at) SELECT lead.id, CAST(:source_id AS integer), claim.id, 'active', CAST('bench' AS text), CAST(:decision AS text), CAST(now() AS timestamptz), CAST(now() AS timestamptz), CAST(now() AS timestamptz), CAST(:priority AS integer), CAST(now() AS timestamptz) FROM lead, claim RETURNING id, lead_id), events AS (INSERT INTO request_events (event_id, request_id, source_id, type, operator_id, previous_operator_id, trigger, actor, request, created_at) SELECT e.event_id, r.id, CAST(:source_id AS integer), e.type, e.operator_id, NULL, e.trigger, 'intake', '{"id":' || r.id || ',"lead_id":' || r.lead_id || CAST(:request_json AS text), CAST(now() AS timestamptz) FROM request r, (VALUES (1, CAST(:event_created AS varchar), 'created', CAST(NULL AS integer), CAST(NULL AS varchar)), (2, CAST(:event_assigned AS varchar), 'assigned', CAST(:operator_id AS integer), 'intake')) AS e (ord, event_id, type, operator_id, trigger) ORDER BY e.ord RETURNING id, event_id, type, source_id), deliveries AS (INSERT INTO webhook_deliveries (subscription_id, request_event_id, event_id, event_type, status, attempts, lock_token, next_attempt_at, created_at, updated_at) SELECT s.id, e.id, e.event_id, t.webhook_type, 'pending', CAST(:attempts AS integer), CAST(:lock_token AS varchar(40)), CAST(now() + interval '65 seconds' AS timestamptz), CAST(now() AS timestamptz), CAST(now() AS timestamptz) FROM events e JOIN (VALUES ('created', 'request.created', 1), ('assigned', 'request.assigned', 2), ('waiting', 'request.waiting', 4), ('reassigned', 'request.assigned', 2), ('closed', 'request.closed', 8), ('reopened', 'request.reopened', 16), ('relaxed', 'request.relaxed', 32), ('offered', 'request.offered', 64), ('offer_declined', 'request.offer_declined', 128), ('offer_expired', 'request.offer_expired', 256), ('offer_withdrawn', 'request.offer_withdrawn', 512)) t (type, webhook_type, bit) ON t.type = e.type JOIN webhook_subscriptions s ON (s.event_mask & t.bit) <> 0 AND (s.source_id IS NULL OR s.source_id = e.source_id) WHERE s.is_active = :active RETURNING id, subscription_id AS "subscriptionId", event_id AS "eventId") SELECT r.id AS "requestId", r.lead_id AS "leadId", d.id, d."subscriptionId", d."eventId" FROM request r LEFT JOIN deliveries d ON true;
