export { parseHarStream, parseHarText } from './har-parser.js';
export { HarParseError, type HarParseErrorReason } from './har-parse-error.js';
export { HarEntryScanner, splitHarEntries, type HarDocumentInfo, type HarEntryText, type HarScanHandlers, type HarScanOptions } from './har-entry-scanner.js';
export { detectHop, type HopVerdict } from './har-hop.js';
export { normalizeTimings, slowestPhase } from './har-timings.js';
export {
  HAR_HOPS,
  TIMING_PHASES,
  hopToGateway,
  type EntryTimings,
  type FailingEntry,
  type HarHop,
  type HarPageSummary,
  type HarParseOptions,
  type HarParseResult,
  type HarSummary,
  type TimingPhase,
} from './har-types.js';
