import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Skills, priority and fallback: operators' skills, sources' routing rules, and each request's
 * skills, priority and relaxation. Skills are stored as a sorted JSON array of names (names are
 * `[a-z0-9_.-]`, so `"de"` inside the text matches exactly one name). Plain ADD COLUMN, so
 * SQLite does not rebuild any table.
 */
export class SkillsAndPriority1764800000000 implements MigrationInterface {
  name = 'SkillsAndPriority1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const boolFalse = postgres ? 'boolean NOT NULL DEFAULT false' : 'boolean NOT NULL DEFAULT 0';
    const add = (table: string, column: string) =>
      queryRunner.query(`ALTER TABLE ${table} ADD COLUMN ${column}`);

    await add('operators', `skills text NOT NULL DEFAULT '[]'`);
    await add('sources', `required_skills text NOT NULL DEFAULT '[]'`);
    await add('sources', 'skill_fallback_seconds integer NULL');
    await add('sources', 'default_priority integer NOT NULL DEFAULT 0');
    await add('sources', 'priority_aging_per_minute integer NOT NULL DEFAULT 0');
    await add('requests', `skills text NOT NULL DEFAULT '[]'`);
    await add('requests', 'priority integer NOT NULL DEFAULT 0');
    await add('requests', `skills_relaxed ${boolFalse}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column] of [
      ['requests', 'skills_relaxed'],
      ['requests', 'priority'],
      ['requests', 'skills'],
      ['sources', 'priority_aging_per_minute'],
      ['sources', 'default_priority'],
      ['sources', 'skill_fallback_seconds'],
      ['sources', 'required_skills'],
      ['operators', 'skills'],
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} DROP COLUMN ${column}`);
    }
  }
}
