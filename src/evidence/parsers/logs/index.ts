/**
 * Gateway, proxy and app-server log parsers (DESIGN §4): lines in, cause findings out.
 * Pure: no framework imports.
 */
export { analyzeLogLine } from './analyze.js';
export { parseLogStream, parseLogText } from './stream.js';
export { LOG_FORMATS, LogParseError } from './types.js';
export type { LineAnalysis, LogFormat, LogParseOptions, LogParseResult, LogSignalSummary, LogSummary } from './types.js';
