import { MigrationInterface, QueryRunner } from 'typeorm';

/** The facts, after the window's key columns in both indexes (the reads need nothing else). */
const FACTS =
  'first_assigned_at, first_closed_at, offers_accepted, offers_declined, offers_expired';

/**
 * Service levels and the staffing plan need, per request, its first assignment, its first close
 * and its offers' outcomes. They were read from request_events, a join per request of the window
 * (about 190 ms for a week of 19 000 requests, seconds when a week holds a million); now the
 * request row keeps them, written by the same statement that assigns, closes or ends an offer,
 * and two covering indexes hold them beside the window's keys, so a window is one index range
 * read. Existing rows are filled from the history: the first `assigned` and `closed` events, and
 * the offers table's outcomes (every decided offer is a row there). IDX_request_events_request
 * goes back to (request_id, id): nothing reads type, time or trigger from it any more, and every
 * event insert paid for them.
 */
export class RequestFacts1765400000000 implements MigrationInterface {
  name = 'RequestFacts1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    // The fill reads every event and rewrites every request: minutes on a long history, past
    // the statement timeout that guards the requests (DATABASE_STATEMENT_TIMEOUT_MS). Until the
    // migrations' transaction ends.
    if (postgres) await queryRunner.query('SET LOCAL statement_timeout = 0');
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const add = (column: string) => queryRunner.query(`ALTER TABLE requests ADD COLUMN ${column}`);
    await add(`first_assigned_at ${timestamp} NULL`);
    await add(`first_closed_at ${timestamp} NULL`);
    await add('offers_accepted integer NOT NULL DEFAULT 0');
    await add('offers_declined integer NOT NULL DEFAULT 0');
    await add('offers_expired integer NOT NULL DEFAULT 0');

    // Set-based, the same text on both (SQLite has UPDATE … FROM since 3.33): one grouped pass
    // over the events, in request order through the events index as it still is.
    await queryRunner.query(
      `UPDATE requests SET first_assigned_at = e.assigned_at, first_closed_at = e.closed_at
        FROM (SELECT request_id,
            MIN(CASE WHEN type = 'assigned' THEN created_at END) AS assigned_at,
            MIN(CASE WHEN type = 'closed' THEN created_at END) AS closed_at
          FROM request_events WHERE type IN ('assigned', 'closed') GROUP BY request_id) e
        WHERE requests.id = e.request_id`,
    );
    await queryRunner.query(
      `UPDATE requests SET offers_accepted = f.accepted, offers_declined = f.declined,
          offers_expired = f.expired
        FROM (SELECT request_id,
            SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END) AS accepted,
            SUM(CASE WHEN status = 'declined' THEN 1 ELSE 0 END) AS declined,
            SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END) AS expired
          FROM offers WHERE status IN ('accepted', 'declined', 'expired') GROUP BY request_id) f
        WHERE requests.id = f.request_id`,
    );

    // All sources: the window by created_at; one source (and the plan): by (source_id, created_at).
    await queryRunner.query('DROP INDEX "IDX_requests_created_source"');
    await queryRunner.query('DROP INDEX "IDX_requests_source_created"');
    await queryRunner.query(
      `CREATE INDEX "IDX_requests_created_facts" ON requests (created_at, ${FACTS})`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_requests_source_created_facts" ON requests (source_id, created_at, ${FACTS})`,
    );
    await queryRunner.query('DROP INDEX "IDX_request_events_request"');
    await queryRunner.query(
      'CREATE INDEX "IDX_request_events_request" ON request_events (request_id, id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_request_events_request"');
    await queryRunner.query(
      'CREATE INDEX "IDX_request_events_request" ' +
        'ON request_events (request_id, id, type, created_at, trigger)',
    );
    await queryRunner.query('DROP INDEX "IDX_requests_source_created_facts"');
    await queryRunner.query('DROP INDEX "IDX_requests_created_facts"');
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_source_created" ON requests (source_id, created_at)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_requests_created_source" ON requests (created_at, source_id, id)',
    );
    for (const column of FACTS.split(', ').reverse()) {
      await queryRunner.query(`ALTER TABLE requests DROP COLUMN ${column}`);
    }
  }
}
