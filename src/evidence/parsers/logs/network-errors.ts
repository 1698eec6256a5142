import { hit, normalizeUpstream, type Hit } from './hit.js';

/**
 * Error texts of Go's net and net/http packages, as Traefik, Caddy and most Go proxies log them
 * (`dial tcp 10.0.0.5:80: connect: connection refused`). Shared by those families and by the
 * generic fallback for JSON and plain-text logs.
 */
export function classifyGoNetError(msg: string): Hit[] {
  const hits: Hit[] = [];
  if (!msg) return hits;

  const dial = /dial (?:tcp[46]?|udp[46]?|unix) (\[[^\]]+\]:\d+|[^\s:]+:\d+|[^\s:]+):\s*(?:connect: )?([^,"\n}]+)/i.exec(msg);
  if (dial) {
    const target = normalizeUpstream(dial[1]);
    const cause = dial[2]!.toLowerCase();
    const at = dial.index;
    if (cause.startsWith('lookup ') || /no such host|server misbehaving/.test(cause)) {
      hits.push(hit('DNS', 'go.dns_lookup_failed', 10, { at, upstream: lookupHost(msg) ?? target }));
    } else if (cause.includes('connection refused')) {
      hits.push(hit('UPSTREAM_DOWN', 'go.dial_refused', 10, { at, upstream: target }));
    } else if (cause.includes('i/o timeout') || cause.includes('timed out')) {
      // A connect that never completes: firewall drops and dead hosts as well as slowness.
      hits.push(hit('UPSTREAM_TIMEOUT', 'go.dial_timeout', 6, { at, upstream: target }));
      hits.push(hit('NETWORK', 'go.dial_timeout_network', 4, { at, upstream: target }));
      hits.push(hit('UPSTREAM_DOWN', 'go.dial_timeout_host_down', 3, { at, upstream: target }));
    } else if (/no route to host|network is unreachable|host is unreachable/.test(cause)) {
      hits.push(hit('NETWORK', 'go.no_route', 9, { at, upstream: target }));
    } else if (cause.includes('no such file')) {
      hits.push(hit('UPSTREAM_DOWN', 'go.socket_missing', 7, { at, upstream: target }));
    } else if (cause.includes('permission denied')) {
      hits.push(hit('GATEWAY_CONFIG', 'go.dial_permission_denied', 8, { at, upstream: target }));
    } else if (cause.includes('too many open files')) {
      hits.push(hit('CAPACITY', 'go.too_many_open_files', 10, { at, upstream: target }));
    } else if (cause.includes('cannot assign requested address')) {
      hits.push(hit('CAPACITY', 'go.local_ports_exhausted', 9, { at, upstream: target }));
    } else if (cause.includes('reset by peer')) {
      hits.push(hit('UPSTREAM_RESET', 'go.connection_reset', 7, { at, upstream: target }));
    }
    if (hits.length > 0) return hits;
  }

  const lookup = /lookup ([^\s:]+)(?: on [^\s]+)?: (no such host|server misbehaving|i\/o timeout|[^,"\n]*(?:dns|name)[^,"\n]*)/i.exec(msg);
  if (lookup) {
    hits.push(hit('DNS', 'go.dns_lookup_failed', 10, { at: lookup.index, upstream: lookup[1] ?? null }));
    return hits;
  }

  const tls =
    /x509: [^"\n]*|tls: [a-z][^"\n]*|remote error: tls[^"\n]*|first record does not look like a TLS handshake|server gave HTTP response to HTTPS client/i.exec(
      msg,
    );
  if (tls) {
    hits.push(hit('TLS', 'go.tls_error', 10, { at: tls.index, detail: { error: tls[0].slice(0, 200) } }));
    return hits;
  }

  const reset = /(?:read|write) (?:tcp[46]?|unix) [^\s]*?->([^\s:]+:\d+|\[[^\]]+\]:\d+):\s*(?:read|write|writev)?:? ?(connection reset by peer|broken pipe)/i.exec(
    msg,
  );
  if (reset) {
    const signal = reset[2]!.toLowerCase().includes('reset') ? 'go.connection_reset' : 'go.broken_pipe';
    hits.push(hit('UPSTREAM_RESET', signal, signal === 'go.connection_reset' ? 9 : 7, { at: reset.index, upstream: normalizeUpstream(reset[1]) }));
    return hits;
  }
  if (/connection reset by peer/i.test(msg)) {
    hits.push(hit('UPSTREAM_RESET', 'go.connection_reset', 7, { at: msg.search(/connection reset by peer/i) }));
    return hits;
  }

  const timeout = /timeout awaiting response headers|context deadline exceeded|Client\.Timeout exceeded|net\/http: timeout|response header timeout/i.exec(
    msg,
  );
  if (timeout) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'go.response_timeout', 8, { at: timeout.index }));
    return hits;
  }

  const malformed = /malformed HTTP (?:response|status code|version)|HTTP\/1\.x transport connection broken|net\/http: HTTP\/1/i.exec(msg);
  if (malformed) {
    hits.push(hit('UPSTREAM_RESET', 'go.malformed_response', 7, { at: malformed.index }));
    return hits;
  }

  const h2 = /server sent GOAWAY|stream error: stream ID \d+; (?:PROTOCOL_ERROR|INTERNAL_ERROR|REFUSED_STREAM)|stream \d+ canceled with error code \d+|http2: client connection lost/i.exec(
    msg,
  );
  if (h2) {
    hits.push(hit('UPSTREAM_RESET', 'go.http2_stream_reset', 5, { at: h2.index }));
    return hits;
  }

  // A bare EOF from the transport means the upstream closed without answering.
  const eof = /(?:^|caused by:\s*|error[=:]\s*"?|:\s)(unexpected EOF|EOF)(?=$|["\s,}])/.exec(msg);
  if (eof) {
    hits.push(hit('UPSTREAM_RESET', 'go.eof', 7, { at: eof.index }));
    return hits;
  }

  if (/too many open files/i.test(msg)) {
    hits.push(hit('CAPACITY', 'go.too_many_open_files', 10, { at: msg.search(/too many open files/i) }));
    return hits;
  }
  if (/no (?:healthy )?upstreams? available|no hosts available upstream/i.test(msg)) {
    hits.push(hit('UPSTREAM_DOWN', 'go.no_upstreams_available', 9, { at: msg.search(/no (?:healthy )?upstreams?|no hosts/i) }));
    return hits;
  }
  const dialConfig = /invalid dial address|missing port in address|making dial info/i.exec(msg);
  if (dialConfig) {
    // The proxy's own upstream address is malformed (a placeholder that did not expand, no port).
    hits.push(hit('GATEWAY_CONFIG', 'go.invalid_upstream_address', 7, { at: dialConfig.index }));
    return hits;
  }
  if (/use of closed network connection/i.test(msg)) {
    hits.push(hit('UPSTREAM_RESET', 'go.closed_connection_reused', 4));
  }
  return hits;
}

function lookupHost(msg: string): string | null {
  const m = /lookup ([^\s:]+)/i.exec(msg);
  return m ? m[1]! : null;
}

/** Node.js error codes and messages (`connect ECONNREFUSED 127.0.0.1:5432`, heap exhaustion). */
export function classifyNodeError(msg: string): Hit[] {
  const hits: Hit[] = [];
  const addr = (re: RegExp): string | null => {
    const m = re.exec(msg);
    return m ? normalizeUpstream(m[1]) : null;
  };
  const heap = /heap out of memory|Reached heap limit|Allocation failed - JavaScript heap/i.exec(msg);
  if (heap) hits.push(hit('CAPACITY', 'node.heap_out_of_memory', 10, { at: heap.index }));
  const code = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ESOCKETTIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EMFILE|ENFILE|EADDRINUSE|EADDRNOTAVAIL|EPIPE|ECONNABORTED)\b/.exec(
    msg,
  );
  if (code) {
    const at = code.index;
    const target = addr(new RegExp(`${code[1]} ([^\\s,'"]+)`));
    switch (code[1]) {
      case 'ECONNREFUSED':
        hits.push(hit('UPSTREAM_DOWN', 'node.econnrefused', 9, { at, upstream: target }));
        break;
      case 'ECONNRESET':
      case 'ECONNABORTED':
        hits.push(hit('UPSTREAM_RESET', 'node.econnreset', 7, { at, upstream: target }));
        break;
      case 'EPIPE':
        hits.push(hit('UPSTREAM_RESET', 'node.epipe', 4, { at }));
        break;
      case 'ETIMEDOUT':
      case 'ESOCKETTIMEDOUT':
        hits.push(hit('UPSTREAM_TIMEOUT', 'node.etimedout', 6, { at, upstream: target }));
        hits.push(hit('NETWORK', 'node.etimedout_network', 3, { at, upstream: target }));
        break;
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        hits.push(hit('NETWORK', 'node.unreachable', 9, { at, upstream: target }));
        break;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        hits.push(hit('DNS', 'node.dns_lookup_failed', 9, { at, upstream: target }));
        break;
      case 'EMFILE':
      case 'ENFILE':
        hits.push(hit('CAPACITY', 'node.too_many_open_files', 9, { at }));
        break;
      case 'EADDRNOTAVAIL':
        hits.push(hit('CAPACITY', 'node.local_ports_exhausted', 8, { at }));
        break;
      case 'EADDRINUSE':
        // The app could not bind its port, so it is not serving (often an old instance holds it).
        hits.push(hit('UPSTREAM_DOWN', 'node.eaddrinuse', 6, { at, upstream: target }));
        hits.push(hit('GATEWAY_CONFIG', 'node.port_conflict', 3, { at, upstream: target }));
        break;
      default:
        break;
    }
  } else if (/socket hang up/i.test(msg)) {
    hits.push(hit('UPSTREAM_RESET', 'node.socket_hang_up', 6, { at: msg.search(/socket hang up/i) }));
  } else {
    // llhttp rejecting what the other side sent: in a Node proxy or client, a malformed response.
    const parse = /\b(HPE_[A-Z_]+)\b|\bParse Error: ([^\n]{1,80})/.exec(msg);
    if (parse) {
      const detail = { code: parse[1] ?? null, error: parse[2]?.trim() ?? null };
      if (parse[1] === 'HPE_HEADER_OVERFLOW' || /Header overflow/i.test(parse[2] ?? '')) {
        hits.push(hit('GATEWAY_CONFIG', 'node.header_overflow', 4, { at: parse.index, detail }));
      } else {
        hits.push(hit('UPSTREAM_RESET', 'node.http_parse_error', 6, { at: parse.index, detail }));
      }
    }
  }
  const tls = /\b(CERT_HAS_EXPIRED|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|UNABLE_TO_GET_ISSUER_CERT(?:_LOCALLY)?|ERR_SSL_[A-Z_]+)\b/.exec(msg);
  if (tls) hits.push(hit('TLS', 'node.tls_error', 9, { at: tls.index, detail: { code: tls[1] } }));
  return hits;
}

/**
 * Last resort for lines of unknown layout: errno texts printed by C libraries, Python and Java.
 * Weights are lower than a known format's because the text's context is unknown.
 */
export function classifyErrnoText(msg: string): Hit[] {
  const hits: Hit[] = [];
  const dns = /Name or service not known|Temporary failure in name resolution|nodename nor servname provided|getaddrinfo (?:failed|ENOTFOUND)|UnknownHostException|could not resolve host/i.exec(msg);
  if (dns) {
    hits.push(hit('DNS', 'text.name_resolution_failed', 7, { at: dns.index }));
    return hits;
  }
  const refused = /\bConnection refused\b|actively refused it/i.exec(msg);
  if (refused) {
    hits.push(hit('UPSTREAM_DOWN', 'text.connection_refused', 5, { at: refused.index }));
    return hits;
  }
  const route = /\b(?:No route to host|Network is unreachable|Host is unreachable)\b/i.exec(msg);
  if (route) {
    hits.push(hit('NETWORK', 'text.no_route', 6, { at: route.index }));
    return hits;
  }
  // glibc's text, Java's SocketException, and Windows' WSAECONNRESET as .NET prints it.
  const reset = /\bConnection reset by peer\b|SocketException: Connection reset\b|forcibly closed by the remote host/i.exec(msg);
  if (reset) {
    hits.push(hit('UPSTREAM_RESET', 'text.connection_reset', 5, { at: reset.index }));
    return hits;
  }
  const fd = /\bToo many open files\b/i.exec(msg);
  if (fd) {
    hits.push(hit('CAPACITY', 'text.too_many_open_files', 7, { at: fd.index }));
    return hits;
  }
  // HTTP clients of the JVM and Python (an app, or a gateway such as Spring Cloud Gateway, calling
  // its upstream): their exception names say which stage failed.
  const tls = /\bSSLHandshakeException\b|PKIX path building failed|CERTIFICATE_VERIFY_FAILED|certificate verify failed|\bSSLError\(/i.exec(msg);
  if (tls) {
    hits.push(hit('TLS', 'text.tls_handshake_failed', 6, { at: tls.index }));
    return hits;
  }
  const readTimeout =
    /SocketTimeoutException: Read timed out|\bReadTimeout(?:Error|Exception)?\b|\bRead timed out\b|HttpClient\.Timeout of \d+|\btimeout of \d+ms exceeded\b/i.exec(msg);
  if (readTimeout) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'text.read_timeout', 6, { at: readTimeout.index }));
    return hits;
  }
  const connectTimeout =
    /\bConnect(?:ion)?TimeoutException\b|\bConnectTimeout(?:Error)?\b|\bconnect timed out\b|connected party did not properly respond after a period of time/i.exec(msg);
  if (connectTimeout) {
    hits.push(hit('UPSTREAM_TIMEOUT', 'text.connect_timeout', 5, { at: connectTimeout.index }));
    hits.push(hit('NETWORK', 'text.connect_timeout_network', 3, { at: connectTimeout.index }));
    return hits;
  }
  const closed =
    /\bNoHttpResponseException\b|\bfailed to respond\b|\bPrematureCloseException\b|Connection prematurely closed|\bRemoteDisconnected\b|Remote end closed connection without response|\bIncompleteRead\b|\bChunkedEncodingError\b|\bServerDisconnectedError\b/i.exec(
      msg,
    );
  if (closed) hits.push(hit('UPSTREAM_RESET', 'text.upstream_closed_without_response', 5, { at: closed.index }));
  return hits;
}
