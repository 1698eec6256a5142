import type { CauseCategory } from '../../../diagnosis/cause-category.js';
import type { Finding } from '../finding.js';

/** Line formats the log parsers recognise. Keys of `LogSummary.formats`. */
export const LOG_FORMATS = [
  'nginx-error', // nginx, OpenResty, Tengine, Kong, APISIX, njs error logs (same layout)
  'combined-access', // NCSA common/combined access log (nginx, Apache, Kong …)
  'ingress-nginx-access', // combined + ingress-nginx upstreaminfo fields
  'traefik-access', // combined + Traefik's router, backend URL and duration
  'envoy-access', // Envoy/Istio text access log (default and Istio formats, fragments)
  'envoy-json', // Envoy/Istio JSON access log
  'envoy-log', // Envoy's own debug/trace log
  'envoy-reply', // Envoy local-reply body ("upstream connect error …", "no healthy upstream")
  'haproxy', // HAProxy HTTP/TCP log, health-check and alert messages, error pages
  'aws-alb', // AWS Application Load Balancer access log
  'aws-clb', // AWS Classic Load Balancer access log
  'aws-api-gateway', // API Gateway execution log lines and client-facing bodies
  'aws-lambda', // Lambda's report lines (timeouts, memory, throttling)
  'cloudflare-logpush', // Cloudflare Logpush HTTP requests (NDJSON)
  'cloudflare-page', // Cloudflare error page text, title or cf_ob_info cookie
  'cloudfront', // Amazon CloudFront standard access log (tab-separated)
  'cloudfront-page', // CloudFront's "The request could not be satisfied" error page
  'gcp-lb', // Google Cloud Application Load Balancer request log entry (Cloud Logging JSON)
  'traefik', // Traefik logfmt/text log
  'traefik-json', // Traefik JSON access log
  'caddy', // Caddy v1 error log
  'caddy-json', // Caddy v2 JSON log
  'apache-error', // Apache httpd error log (mod_proxy, mod_proxy_fcgi …)
  'kong', // Kong JSON error bodies
  'nghttpx', // nghttpx log
  'linkerd', // Linkerd proxy log
  'spring-cloud-gateway', // Spring Cloud Gateway / Netty client exceptions
  'varnish', // varnishlog FetchError records
  'gunicorn', // gunicorn arbiter/worker log
  'uwsgi', // uWSGI log and request log
  'node', // Node.js errors
  'curl', // curl's error line, `curl: (7) Failed to connect …`
  'selinux-audit', // SELinux AVC denials
  'kubernetes', // ingress-nginx controller endpoint warnings, kubelet events, pod status
  'system', // Linux kernel (OOM killer, SYN backlog, conntrack) and systemd units
  'php-fpm', // PHP-FPM pool manager
  'heroku-router', // Heroku router error codes (H10, H12 …) and runtime R codes
  'database', // database servers refusing connections (PostgreSQL, MySQL)
  'app-error', // app frameworks' own timeouts and exhausted connection pools
  'w3c', // W3C extended log (IIS)
  'html-error-page', // a gateway's default HTML error page
  'json', // any other JSON log record
  'text', // unstructured text carrying a recognisable network or errno message
] as const;

export type LogFormat = (typeof LOG_FORMATS)[number];

/** What one line says: its format (null when nobody understands it) and the causes it speaks for. */
export interface LineAnalysis {
  format: LogFormat | null;
  findings: Finding[];
}

export interface LogSignalSummary {
  category: CauseCategory;
  /** Every occurrence, including those beyond the per-signal findings cap. */
  count: number;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** Up to 10 distinct upstreams named by lines carrying this signal. */
  upstreams: string[];
}

export interface LogSummary {
  lines: number;
  recognizedLines: number;
  unrecognizedLines: number;
  blankLines: number;
  formats: Record<string, number>;
  signals: Record<string, LogSignalSummary>;
  /** HTTP status codes seen in access-log lines, e.g. `{ "200": 1520, "502": 14 }`. */
  statusCounts: Record<string, number>;
  /** Earliest and latest instants read from any line. */
  firstAt: string | null;
  lastAt: string | null;
}

export interface LogParseResult {
  /** Cause findings in line order, capped per signal (the first N of each signal are kept). */
  findings: Finding[];
  summary: LogSummary;
}

export interface LogParseOptions {
  /** How many findings of one signal to keep; later ones are only counted. Default 20. */
  maxFindingsPerSignal?: number;
  /**
   * Read every line with the full analysers, skipping the byte-level shortcut for successful
   * access-log lines. Slower; the result is the same (the tests hold the shortcut to that).
   */
  fullAnalysis?: boolean;
}

/** Thrown when the input is not a text log at all (binary, image, archive, HAR …). */
export class LogParseError extends Error {
  override readonly name = 'LogParseError';
}
