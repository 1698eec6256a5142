export { REDACTED, RedactionTally, type RedactionReport } from './redaction-report.js';
export { createLogRedactor, type LogRedactor } from './log-redactor.js';
export { HarRedactor, createHarRedactionTransform, redactHarStream, redactHarText, type HarRedactionOptions, type HarRedactionStream } from './har-redactor.js';
export { isSecretHeaderName, isSecretJsonKey, isSecretParamName } from './secret-names.js';
export { redactInlineSecrets, redactUrl } from './text-redaction.js';
