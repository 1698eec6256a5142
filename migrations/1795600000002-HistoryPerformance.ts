import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Faster history search and stats on large histories (measured with `npm run bench:history`):
 *
 * - `incident_search` carries the incident's filter columns (created_at, service, severity, gateway,
 *   status), so a text search filters and ranks without joining every match to `incidents`; a status
 *   or severity change updates just those columns.
 * - `rank_document` is a small vector of the title, summary and causes: ranking reads it instead of
 *   decompressing the whole document (postmortem included) of every match.
 * - `rebuild_incident_search()` re-indexes everything in one statement (bulk loads, repairs).
 * - The steps' unique index covers what stats read (index-only scans), and a partial index finds an
 *   incident's confirmed cause in order without a sort.
 */
export class HistoryPerformance1795600000002 implements MigrationInterface {
  name = 'HistoryPerformance1795600000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "incident_search"
        ADD "rank_document" tsvector NOT NULL DEFAULT ''::tsvector,
        ADD "created_at" TIMESTAMP WITH TIME ZONE,
        ADD "service" character varying(100),
        ADD "severity" text,
        ADD "gateway" text,
        ADD "status" text`);
    await queryRunner.query(`DROP FUNCTION refresh_incident_search(uuid)`);
    await queryRunner.query(`DROP VIEW incident_search_source`);
    await queryRunner.query(`
      CREATE VIEW "incident_search_source" AS
      SELECT i.id AS incident_id,
             setweight(to_tsvector('english', left(i.title, 100000)), 'A')
          || setweight(to_tsvector('english', left(coalesce(i.summary, '') || ' ' || i.service || ' ' || coalesce(rc.descriptions, ''), 100000)), 'B')
          || setweight(to_tsvector('english', left(coalesce(i.resolution, '') || ' ' || coalesce(pm.markdown, ''), 100000)), 'C')
          || setweight(to_tsvector('english', left(coalesce(notes.text, ''), 100000)), 'D') AS document,
             setweight(to_tsvector('english', left(i.title, 1000)), 'A')
          || setweight(to_tsvector('english', left(coalesce(i.summary, '') || ' ' || coalesce(rc.descriptions, ''), 4000)), 'B') AS rank_document,
             coalesce(rc.confirmed, '{}') AS categories,
             pm.status::text AS postmortem_status,
             pm.published_at,
             i.created_at, i.service, i.severity::text AS severity, i.gateway::text AS gateway, i.status::text AS status
        FROM incidents i
        LEFT JOIN postmortems pm ON pm.incident_id = i.id
        LEFT JOIN LATERAL (
               SELECT string_agg(r.description, ' ') AS descriptions,
                      array_agg(DISTINCT r.category::text) FILTER (WHERE r.status = 'confirmed') AS confirmed
                 FROM root_causes r
                WHERE r.incident_id = i.id AND r.status <> 'ruled_out') rc ON true
        LEFT JOIN LATERAL (
               SELECT string_agg(t.message, ' ') AS text
                 FROM timeline_events t
                WHERE t.incident_id = i.id AND t.kind = 'note') notes ON true`);
    const columns = 'incident_id, document, rank_document, categories, postmortem_status, published_at, created_at, service, severity, gateway, status';
    const updates = ['document', 'rank_document', 'categories', 'postmortem_status', 'published_at', 'created_at', 'service', 'severity', 'gateway', 'status']
      .map((c) => `${c} = EXCLUDED.${c}`)
      .join(', ');
    await queryRunner.query(`
      CREATE FUNCTION refresh_incident_search(target uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO incident_search (${columns}, refreshed_at)
        SELECT ${columns}, now() FROM incident_search_source WHERE incident_id = target
        ON CONFLICT (incident_id) DO UPDATE SET ${updates}, refreshed_at = EXCLUDED.refreshed_at
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION rebuild_incident_search() RETURNS bigint LANGUAGE sql AS $$
        WITH written AS (
          INSERT INTO incident_search (${columns}, refreshed_at)
          SELECT ${columns}, now() FROM incident_search_source
          ON CONFLICT (incident_id) DO UPDATE SET ${updates}, refreshed_at = EXCLUDED.refreshed_at
          RETURNING 1)
        SELECT count(*) FROM written
      $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION incident_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'incidents' THEN
          IF TG_OP = 'UPDATE' AND NEW.title = OLD.title AND NEW.summary IS NOT DISTINCT FROM OLD.summary
             AND NEW.service = OLD.service AND NEW.resolution IS NOT DISTINCT FROM OLD.resolution THEN
            -- Only filter columns changed: no need to rebuild the text.
            UPDATE incident_search SET status = NEW.status::text, severity = NEW.severity::text, gateway = NEW.gateway::text
             WHERE incident_id = NEW.id;
          ELSE
            PERFORM refresh_incident_search(NEW.id);
          END IF;
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM refresh_incident_search(OLD.incident_id);
        ELSE
          PERFORM refresh_incident_search(NEW.incident_id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP TRIGGER incident_search_incidents ON incidents`);
    await queryRunner.query(`
      CREATE TRIGGER incident_search_incidents AFTER INSERT OR UPDATE OF title, summary, service, resolution, status, severity, gateway ON incidents
        FOR EACH ROW EXECUTE FUNCTION incident_search_trigger()`);
    await queryRunner.query(`SELECT rebuild_incident_search()`);
    await queryRunner.query(`
      ALTER TABLE "incident_search"
        ALTER "created_at" SET NOT NULL, ALTER "service" SET NOT NULL, ALTER "severity" SET NOT NULL, ALTER "status" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_incident_search_created" ON "incident_search" ("created_at", "incident_id")`);
    await queryRunner.query(`CREATE INDEX "ix_incident_search_service_created" ON "incident_search" ("service", "created_at")`);
    await queryRunner.query(`DROP INDEX "uq_incident_steps_incident_key"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_incident_steps_incident_key" ON "incident_steps" ("incident_id", "step_key") INCLUDE ("position", "title", "status", "time_spent_seconds")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_root_causes_confirmed" ON "root_causes" ("incident_id", "primary" DESC, "confirmed_at", "created_at") INCLUDE ("category", "step_keys") WHERE status = 'confirmed'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_root_causes_confirmed"`);
    await queryRunner.query(`DROP INDEX "uq_incident_steps_incident_key"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_incident_steps_incident_key" ON "incident_steps" ("incident_id", "step_key")`);
    await queryRunner.query(`DROP INDEX "ix_incident_search_service_created"`);
    await queryRunner.query(`DROP INDEX "ix_incident_search_created"`);
    await queryRunner.query(`DROP TRIGGER incident_search_incidents ON incidents`);
    await queryRunner.query(`
      CREATE TRIGGER incident_search_incidents AFTER INSERT OR UPDATE OF title, summary, service, resolution ON incidents
        FOR EACH ROW EXECUTE FUNCTION incident_search_trigger()`);
    await queryRunner.query(`DROP FUNCTION rebuild_incident_search()`);
    await queryRunner.query(`DROP FUNCTION refresh_incident_search(uuid)`);
    await queryRunner.query(`DROP VIEW incident_search_source`);
    await queryRunner.query(`
      ALTER TABLE "incident_search" DROP "rank_document", DROP "created_at", DROP "service", DROP "severity", DROP "gateway", DROP "status"`);
    // Back to HistorySearch's view and refresh function (which the up replaced).
    await queryRunner.query(`
      CREATE VIEW "incident_search_source" AS
      SELECT i.id AS incident_id,
             setweight(to_tsvector('english', left(i.title, 100000)), 'A')
          || setweight(to_tsvector('english', left(coalesce(i.summary, '') || ' ' || i.service || ' ' || coalesce(rc.descriptions, ''), 100000)), 'B')
          || setweight(to_tsvector('english', left(coalesce(i.resolution, '') || ' ' || coalesce(pm.markdown, ''), 100000)), 'C')
          || setweight(to_tsvector('english', left(coalesce(notes.text, ''), 100000)), 'D') AS document,
             coalesce(rc.confirmed, '{}') AS categories,
             pm.status::text AS postmortem_status,
             pm.published_at
        FROM incidents i
        LEFT JOIN postmortems pm ON pm.incident_id = i.id
        LEFT JOIN LATERAL (
               SELECT string_agg(r.description, ' ') AS descriptions,
                      array_agg(DISTINCT r.category::text) FILTER (WHERE r.status = 'confirmed') AS confirmed
                 FROM root_causes r
                WHERE r.incident_id = i.id AND r.status <> 'ruled_out') rc ON true
        LEFT JOIN LATERAL (
               SELECT string_agg(t.message, ' ') AS text
                 FROM timeline_events t
                WHERE t.incident_id = i.id AND t.kind = 'note') notes ON true`);
    await queryRunner.query(`
      CREATE FUNCTION refresh_incident_search(target uuid) RETURNS void LANGUAGE sql AS $$
        INSERT INTO incident_search (incident_id, document, categories, postmortem_status, published_at, refreshed_at)
        SELECT incident_id, document, categories, postmortem_status, published_at, now()
          FROM incident_search_source WHERE incident_id = target
        ON CONFLICT (incident_id) DO UPDATE
           SET document = EXCLUDED.document, categories = EXCLUDED.categories,
               postmortem_status = EXCLUDED.postmortem_status, published_at = EXCLUDED.published_at,
               refreshed_at = EXCLUDED.refreshed_at
      $$`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION incident_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'incidents' THEN
          PERFORM refresh_incident_search(NEW.id);
        ELSIF TG_OP = 'DELETE' THEN
          PERFORM refresh_incident_search(OLD.incident_id);
        ELSE
          PERFORM refresh_incident_search(NEW.incident_id);
        END IF;
        RETURN NULL;
      END $$`);
  }
}
