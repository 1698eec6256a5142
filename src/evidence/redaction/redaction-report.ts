/** What a redaction pass removed. Counts only: never the secret values. */
export interface RedactionReport {
  /** Values replaced. */
  total: number;
  /** Values replaced per kind, e.g. `header:authorization`, `query:access_token`, `cookie`, `bearer-token`, `jwt`. */
  byKind: Record<string, number>;
  /** True when (part of) the input was not a readable HAR and was redacted as plain text instead. */
  fallback: boolean;
  /** Why the fallback was used, when it was (e.g. the HarParseError message). */
  fallbackReason?: string;
}

/** The placeholder that replaces every secret value. */
export const REDACTED = '[REDACTED]';

/** Counts redactions while a pass runs. */
export class RedactionTally {
  private total = 0;
  private readonly byKind = new Map<string, number>();
  private fallback = false;
  private fallbackReason: string | undefined;

  add(kind: string, count = 1): void {
    if (count <= 0) return;
    this.total += count;
    this.byKind.set(kind, (this.byKind.get(kind) ?? 0) + count);
  }

  markFallback(reason: string): void {
    if (!this.fallback) this.fallbackReason = reason.slice(0, 300);
    this.fallback = true;
  }

  get count(): number {
    return this.total;
  }

  report(): RedactionReport {
    const byKind: Record<string, number> = {};
    for (const kind of [...this.byKind.keys()].sort()) byKind[kind] = this.byKind.get(kind)!;
    const report: RedactionReport = { total: this.total, byKind, fallback: this.fallback };
    if (this.fallbackReason !== undefined) report.fallbackReason = this.fallbackReason;
    return report;
  }
}

/** Kind names carry a field name from the input: keep them short and printable. */
export function kindName(prefix: string, name: string): string {
  const clean = name
    .toLowerCase()
    .replace(/[^a-z0-9_.:\-[\]]/g, '_')
    .slice(0, 64);
  return `${prefix}:${clean}`;
}
