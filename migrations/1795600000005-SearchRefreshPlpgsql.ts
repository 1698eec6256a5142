import { MigrationInterface, QueryRunner } from 'typeorm';

const COLUMNS = 'incident_id, document, rank_document, categories, postmortem_status, published_at, created_at, service, severity, gateway, status';
const UPDATES = ['document', 'rank_document', 'categories', 'postmortem_status', 'published_at', 'created_at', 'service', 'severity', 'gateway', 'status']
  .map((c) => `${c} = EXCLUDED.${c}`)
  .join(', ');

/**
 * The search row refresh as PL/pgSQL instead of a SQL function: PL/pgSQL keeps the statement's plan
 * for the session, where a SQL function is planned again at every call — every incident insert and
 * every note paid for it (about a third of the trigger's time).
 */
export class SearchRefreshPlpgsql1795600000005 implements MigrationInterface {
  name = 'SearchRefreshPlpgsql1795600000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION refresh_incident_search(target uuid) RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO incident_search (${COLUMNS}, refreshed_at)
        SELECT ${COLUMNS}, now() FROM incident_search_source WHERE incident_id = target
        ON CONFLICT (incident_id) DO UPDATE SET ${UPDATES}, refreshed_at = EXCLUDED.refreshed_at;
      END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION refresh_incident_search(uuid)`);
    await queryRunner.query(`
      CREATE FUNCTION refresh_incident_search(target uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO incident_search (${COLUMNS}, refreshed_at)
        SELECT ${COLUMNS}, now() FROM incident_search_source WHERE incident_id = target
        ON CONFLICT (incident_id) DO UPDATE SET ${UPDATES}, refreshed_at = EXCLUDED.refreshed_at
      $$`);
  }
}
