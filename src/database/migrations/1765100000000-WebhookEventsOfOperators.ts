import { MigrationInterface, QueryRunner } from 'typeorm';

/** Every event type: the mask "all" is stored as (bit i is WEBHOOK_EVENT_TYPES[i]; -1 sets all). */
const ALL = -1;
/**
 * What "all" was stored as before: the mask of the types there were when the subscription was
 * created (5 types, then 6 with request.relaxed, then 11). Such a subscription now gets types
 * added later too. A list that named every type of its day reads as "all" as well: the two
 * were stored alike, and sending an extra type loses nothing, while withholding one would.
 */
const OLD_ALL_MASKS = [0b11111, 0b111111, 0b11111111111];
/** What -1 goes back to on revert: every type there is now. */
const ALL_TODAY = 0b11111111111;

/**
 * Webhook events that are not request events (operator.presence_changed): a delivery either
 * points at its request_events row (request events, as before: the body is built from that row)
 * or carries its own `body` (built in the change's transaction). Exactly one of the two.
 * Request deliveries are written as before, so the intake's statements do not change; an
 * operator event is rare, and a body per subscription costs less than a second event log.
 *
 * SQLite cannot drop a NOT NULL, so its table is rebuilt (same columns, indexes and ids).
 */
export class WebhookEventsOfOperators1765100000000 implements MigrationInterface {
  name = 'WebhookEventsOfOperators1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(
        'ALTER TABLE webhook_deliveries ALTER COLUMN request_event_id DROP NOT NULL',
      );
      await queryRunner.query('ALTER TABLE webhook_deliveries ADD COLUMN body text NULL');
      await queryRunner.query(
        'ALTER TABLE webhook_deliveries ADD CONSTRAINT "CHK_webhook_deliveries_event" ' +
          'CHECK ((request_event_id IS NULL) <> (body IS NULL))',
      );
    } else {
      await rebuildSqlite(queryRunner, true);
    }
    await queryRunner.query(
      `UPDATE webhook_subscriptions SET event_mask = ${ALL} WHERE event_mask IN (${OLD_ALL_MASKS.join(', ')})`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE webhook_subscriptions SET event_mask = ${ALL_TODAY} WHERE event_mask = ${ALL}`,
    );
    // Deliveries of operator events have nowhere to live before this migration.
    await queryRunner.query('DELETE FROM webhook_deliveries WHERE body IS NOT NULL');
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(
        'ALTER TABLE webhook_deliveries DROP CONSTRAINT "CHK_webhook_deliveries_event"',
      );
      await queryRunner.query('ALTER TABLE webhook_deliveries DROP COLUMN body');
      await queryRunner.query(
        'ALTER TABLE webhook_deliveries ALTER COLUMN request_event_id SET NOT NULL',
      );
    } else {
      await rebuildSqlite(queryRunner, false);
    }
  }
}

const COLUMNS =
  'id, subscription_id, request_event_id, event_id, event_type, status, attempts, ' +
  'next_attempt_at, lock_token, last_status_code, last_error, delivered_at, created_at, updated_at';

/** SQLite: webhook_deliveries again, with (`withBody`) or without the body column. */
async function rebuildSqlite(queryRunner: QueryRunner, withBody: boolean): Promise<void> {
  const body = withBody
    ? '"body" text, CONSTRAINT "CHK_webhook_deliveries_event" CHECK ' +
      '((request_event_id IS NULL) <> (body IS NULL)), '
    : '';
  await queryRunner.query(
    'CREATE TABLE "webhook_deliveries_new" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, ' +
      '"subscription_id" integer NOT NULL, ' +
      `"request_event_id" integer${withBody ? '' : ' NOT NULL'}, ` +
      '"event_id" varchar(40) NOT NULL, "event_type" varchar(32) NOT NULL, ' +
      '"status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT (0), ' +
      '"next_attempt_at" datetime NOT NULL, "lock_token" varchar(40), ' +
      '"last_status_code" integer, "last_error" varchar(500), "delivered_at" datetime, ' +
      `"created_at" datetime NOT NULL, "updated_at" datetime NOT NULL, ${body}` +
      'CONSTRAINT "FK_webhook_deliveries_subscription" FOREIGN KEY ("subscription_id") ' +
      'REFERENCES "webhook_subscriptions" ("id") ON DELETE CASCADE, ' +
      'CONSTRAINT "FK_webhook_deliveries_request_event" FOREIGN KEY ("request_event_id") ' +
      'REFERENCES "request_events" ("id"))',
  );
  const [sequence] = (await queryRunner.query(
    "SELECT seq FROM sqlite_sequence WHERE name = 'webhook_deliveries'",
  )) as Array<{ seq: number }>;
  await queryRunner.query(
    `INSERT INTO webhook_deliveries_new (${COLUMNS}) SELECT ${COLUMNS} FROM webhook_deliveries`,
  );
  await queryRunner.query('DROP TABLE webhook_deliveries');
  await queryRunner.query('ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries');
  // Ids of purged rows are not given out again (AUTOINCREMENT's promise).
  if (sequence) {
    await queryRunner.query("DELETE FROM sqlite_sequence WHERE name = 'webhook_deliveries'");
    await queryRunner.query(
      "INSERT INTO sqlite_sequence (name, seq) VALUES ('webhook_deliveries', ?)",
      [sequence.seq],
    );
  }
  await queryRunner.query(
    'CREATE INDEX "IDX_webhook_deliveries_subscription" ON webhook_deliveries (subscription_id, id)',
  );
  await queryRunner.query(
    'CREATE INDEX "IDX_webhook_deliveries_due" ON webhook_deliveries (next_attempt_at, id) ' +
      "WHERE status = 'pending'",
  );
  await queryRunner.query(
    'CREATE INDEX "IDX_webhook_deliveries_finished" ON webhook_deliveries (updated_at) ' +
      "WHERE status <> 'pending'",
  );
}
