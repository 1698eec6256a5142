import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: { id: string; type: string; createdAt: string; data: Record<string, unknown> & { incident?: { id: string; ref: string } } };
  at: number;
}

/** What the receiver does with the next request: answer a status, or hang (never answer). */
export type ReceiverBehaviour = number | 'hang';

/** A local HTTP endpoint that records every webhook it receives and answers as told. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Behaviours used in order, one per request; `fallback` after they run out. */
  readonly script: ReceiverBehaviour[] = [];
  fallback: ReceiverBehaviour = 200;
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.received.push({ headers: req.headers, body, json: JSON.parse(body) as ReceivedWebhook['json'], at: Date.now() });
      const behaviour = this.script.shift() ?? this.fallback;
      if (behaviour === 'hang') return; // the sender times out or dies
      res.writeHead(behaviour, { 'content-type': 'text/plain' }).end('ok');
    });
  });

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  /** Received webhooks about one incident (other tests' incidents reach the same subscription). */
  about(incidentId: string, type?: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.json.data.incident?.id === incidentId && (!type || r.json.type === type));
  }
}

/** Polls until the check answers something truthy, or fails after the timeout. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 15_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
