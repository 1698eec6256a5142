import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SEEDED_RUNBOOKS } from '../src/runbooks/content/index.js';

/**
 * Seeds http-502, http-503 and http-504 at version 1 from the runbook content modules.
 * Version 1 is frozen once landed: a change to a seeded runbook is a new version in a new migration.
 */
export class SeedRunbooks1795589874599 implements MigrationInterface {
  name = 'SeedRunbooks1795589874599';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const runbook of SEEDED_RUNBOOKS) {
      await queryRunner.query(
        `INSERT INTO runbooks (key, version, title, description, applies_to, priors, steps, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'stepwise')
         ON CONFLICT (key, version) DO NOTHING`,
        [
          runbook.key,
          runbook.version,
          runbook.title,
          runbook.description,
          JSON.stringify(runbook.appliesTo),
          JSON.stringify(runbook.priors),
          JSON.stringify(runbook.steps),
        ],
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM runbooks WHERE created_by = 'stepwise' AND version = 1 AND key IN ('http-502', 'http-503', 'http-504')`);
  }
}
