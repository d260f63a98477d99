import { MigrationInterface, QueryRunner } from 'typeorm';

const recreate = async (queryRunner: QueryRunner, waiting: string) => {
  await queryRunner.query('DROP INDEX "IDX_requests_waiting_source"');
  await queryRunner.query('DROP INDEX "IDX_requests_waiting"');
  await queryRunner.query(
    `CREATE INDEX "IDX_requests_waiting" ON requests (created_at, id) ${waiting}`,
  );
  await queryRunner.query(
    `CREATE INDEX "IDX_requests_waiting_source" ON requests (source_id, created_at, id) ${waiting}`,
  );
};

/**
 * The queue's partial indexes hold waiting rows only, and a request with a pending offer does not
 * wait: without this, every pass over the queue (the drain sweep, the skill fallback) read every
 * pending offer's request first (measured with 10 000 pending offers: 9 to 17 ms a pass).
 */
export class WaitingExcludesOffers1765300000000 implements MigrationInterface {
  name = 'WaitingExcludesOffers1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await recreate(
      queryRunner,
      "WHERE status = 'active' AND operator_id IS NULL AND pending_offer_id IS NULL",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await recreate(queryRunner, "WHERE status = 'active' AND operator_id IS NULL");
  }
}
