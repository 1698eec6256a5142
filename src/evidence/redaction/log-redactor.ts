import { RedactionTally, type RedactionReport } from './redaction-report.js';
import { redactInlineSecrets } from './text-redaction.js';

export interface LogRedactor {
  /** The line with `Authorization:`/`Cookie:` values, bearer/basic tokens, secret query parameters, `password=` pairs, AWS keys and JWTs replaced. */
  redactLine(line: string): string;
  /** Counts so far. */
  report(): RedactionReport;
}

/**
 * A redactor for log text, line by line (gateway error logs echo request headers and URLs). Lines are
 * independent, so feeding a file line by line gives the same result as any other split into lines.
 */
export function createLogRedactor(): LogRedactor {
  const tally = new RedactionTally();
  return {
    redactLine: (line) => redactInlineSecrets(line, tally),
    report: () => tally.report(),
  };
}
