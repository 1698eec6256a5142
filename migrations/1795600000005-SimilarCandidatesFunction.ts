import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The candidates for "has this happened before?": the newest incidents of a service and of a gateway,
 * each read newest-first from its index and cut at `n`.
 *
 * A function so it can carry its own planner settings: without fresh statistics (a new service, a
 * burst of incidents before autovacuum's next ANALYZE) Postgres estimated two matching rows and chose
 * a bitmap scan that sorts every incident of the service — 8 ms per create at 7k incidents, growing
 * with the table. Read newest-first from the index, the work is bounded by `n` whatever the statistics.
 */
export class SimilarCandidatesFunction1795600000005 implements MigrationInterface {
  name = 'SimilarCandidatesFunction1795600000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION similar_incident_candidates(exclude uuid, created_before timestamptz, of_service text, of_gateway text, n int)
      RETURNS TABLE (id uuid, ref_number int, title varchar, service varchar, gateway text, severity text, status text,
                     status_code int, resolution text, created_at timestamptz, resolved_at timestamptz)
      LANGUAGE sql STABLE
      SET enable_bitmapscan = off SET enable_sort = off SET enable_seqscan = off
      ROWS 200
      AS $$
        (SELECT i.id, i.ref_number, i.title, i.service, i.gateway::text, i.severity::text, i.status::text,
                (i.symptom->>'statusCode')::int, i.resolution, i.created_at, i.resolved_at
           FROM incidents i
          WHERE i.service = of_service AND i.created_at < created_before AND i.id <> exclude
          ORDER BY i.created_at DESC LIMIT n)
        UNION
        (SELECT i.id, i.ref_number, i.title, i.service, i.gateway::text, i.severity::text, i.status::text,
                (i.symptom->>'statusCode')::int, i.resolution, i.created_at, i.resolved_at
           FROM incidents i
          WHERE of_gateway IS NOT NULL AND i.gateway = of_gateway::gateway_kind AND i.created_at < created_before AND i.id <> exclude
          ORDER BY i.created_at DESC LIMIT n)
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION similar_incident_candidates(uuid, timestamptz, text, text, int)`);
  }
}
