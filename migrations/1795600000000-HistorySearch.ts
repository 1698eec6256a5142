import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search over the incident history (`GET /v1/postmortems`).
 *
 * One search row per incident, kept by triggers on every table whose text it holds, so no code path
 * can forget to re-index and a failed transaction leaves no stale row. The document is weighted:
 * title (A); summary, service and cause descriptions (B); resolution and postmortem body (C);
 * timeline notes (D). Every part is cut to 100,000 characters: a tsvector holds at most 1 MB.
 *
 * `incident_search_source` builds the row set-wise (benchmarks load 100k incidents with triggers off
 * and index them with one INSERT … SELECT); the trigger function runs the same view for one incident.
 */
export class HistorySearch1795600000000 implements MigrationInterface {
  name = 'HistorySearch1795600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "incident_search" (
        "incident_id" uuid PRIMARY KEY REFERENCES "incidents" ("id") ON DELETE CASCADE,
        "document" tsvector NOT NULL,
        "categories" text[] NOT NULL DEFAULT '{}',
        "postmortem_status" text,
        "published_at" TIMESTAMP WITH TIME ZONE,
        "refreshed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "ix_incident_search_document" ON "incident_search" USING gin ("document")`);
    await queryRunner.query(`CREATE INDEX "ix_incident_search_categories" ON "incident_search" USING gin ("categories")`);
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
      CREATE FUNCTION incident_search_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE TRIGGER incident_search_incidents AFTER INSERT OR UPDATE OF title, summary, service, resolution ON incidents
        FOR EACH ROW EXECUTE FUNCTION incident_search_trigger()`);
    await queryRunner.query(`
      CREATE TRIGGER incident_search_root_causes AFTER INSERT OR UPDATE OR DELETE ON root_causes
        FOR EACH ROW EXECUTE FUNCTION incident_search_trigger()`);
    await queryRunner.query(`
      CREATE TRIGGER incident_search_postmortems AFTER INSERT OR UPDATE OF markdown, status, published_at ON postmortems
        FOR EACH ROW EXECUTE FUNCTION incident_search_trigger()`);
    await queryRunner.query(`
      CREATE TRIGGER incident_search_notes AFTER INSERT ON timeline_events
        FOR EACH ROW WHEN (NEW.kind = 'note') EXECUTE FUNCTION incident_search_trigger()`);
    // Incidents that exist before this migration.
    await queryRunner.query(`
      INSERT INTO incident_search (incident_id, document, categories, postmortem_status, published_at)
      SELECT incident_id, document, categories, postmortem_status, published_at FROM incident_search_source`);
    // Stats read windows by creation time with the severity filter; recurring causes by category.
    await queryRunner.query(`CREATE INDEX "ix_incidents_severity_created_at" ON "incidents" ("severity", "created_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_incidents_severity_created_at"`);
    await queryRunner.query(`DROP TRIGGER incident_search_notes ON timeline_events`);
    await queryRunner.query(`DROP TRIGGER incident_search_postmortems ON postmortems`);
    await queryRunner.query(`DROP TRIGGER incident_search_root_causes ON root_causes`);
    await queryRunner.query(`DROP TRIGGER incident_search_incidents ON incidents`);
    await queryRunner.query(`DROP FUNCTION incident_search_trigger()`);
    await queryRunner.query(`DROP FUNCTION refresh_incident_search(uuid)`);
    await queryRunner.query(`DROP VIEW incident_search_source`);
    await queryRunner.query(`DROP TABLE "incident_search"`);
  }
}
