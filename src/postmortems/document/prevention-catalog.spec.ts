import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CAUSE_CATEGORIES } from '../../diagnosis/cause-category.js';
import { ACTION_ITEM_KINDS, ACTION_ITEM_PRIORITIES } from './postmortem-record.js';
import { catalogItem, defaultDueDate, GENERAL_PREVENTION, PREVENTION_CATALOG, proposeActionItems } from './prevention-catalog.js';

const slug = (category: string) => category.toLowerCase().replace(/_/g, '-');

describe('PREVENTION_CATALOG', () => {
  it('has 3 to 6 checkable items for every cause category', () => {
    for (const category of CAUSE_CATEGORIES) {
      const items = PREVENTION_CATALOG[category];
      assert.ok(items.length >= 3 && items.length <= 6, `${category}: ${items.length} items`);
      for (const item of items) {
        assert.ok(item.key.startsWith(`${slug(category)}.`), `${item.key} is keyed under ${category}`);
        assert.ok(ACTION_ITEM_KINDS.includes(item.kind) && ACTION_ITEM_PRIORITIES.includes(item.priority), item.key);
        assert.ok(item.title.length > 20 && !item.title.endsWith('.'), `${item.key} title reads as a checkable statement`);
        assert.ok(item.rationale.length > 20, `${item.key} says why`);
      }
      assert.ok(items.some((item) => item.priority === 'P1'), `${category} has a P1 item`);
    }
  });

  it('covers each practice of the seed guide in the general list', () => {
    const keys = GENERAL_PREVENTION.map((item) => item.key);
    for (const practice of ['health-checks', 'circuit-breakers', 'sane-timeouts', 'retries-backoff-jitter', 'upstream-slas', 'edge-cache-monitoring', 'dns-ttl-review', 'failover-tested', 'runbooks']) {
      assert.ok(keys.includes(`general.${practice}`), practice);
    }
  });

  it('uses unique keys across the whole catalog, each findable by key', () => {
    const all = [...CAUSE_CATEGORIES.flatMap((category) => PREVENTION_CATALOG[category]), ...GENERAL_PREVENTION];
    const keys = all.map((item) => item.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const item of all) assert.equal(catalogItem(item.key), item);
    assert.equal(catalogItem('nope'), undefined);
  });

  it('holds the items DESIGN §5 names', () => {
    assert.match(catalogItem('upstream-reset.keepalive-exceeds-idle')!.title, /keep-alive timeout exceeds the gateway's idle timeout/);
    assert.match(catalogItem('dns.failover-ttl')!.title, /TTL of failover .*≤ 60 s/);
    assert.match(catalogItem('upstream-down.active-health-checks')!.title, /active health check .* ejected automatically/);
  });
});

describe('proposeActionItems', () => {
  it('lists the confirmed causes first, in the order given, then the general practices', () => {
    const proposed = proposeActionItems(['DNS', 'UPSTREAM_RESET'], []);
    const keys = proposed.map((item) => item.key);
    const dns = PREVENTION_CATALOG.DNS.map((item) => item.key);
    const reset = PREVENTION_CATALOG.UPSTREAM_RESET.map((item) => item.key);
    assert.deepEqual(keys.slice(0, dns.length + reset.length), [...dns, ...reset]);
    assert.ok(keys.slice(dns.length + reset.length).every((key) => key.startsWith('general.')));
  });

  it('skips items already present and general practices a category item covers', () => {
    const keys = proposeActionItems(['UPSTREAM_DOWN'], ['upstream-down.drain-before-stop', 'general.runbooks']).map((item) => item.key);
    assert.ok(!keys.includes('upstream-down.drain-before-stop'));
    assert.ok(!keys.includes('general.runbooks'));
    assert.ok(!keys.includes('general.health-checks'), 'covered by upstream-down.active-health-checks');
    assert.ok(keys.includes('general.circuit-breakers'));
    const withoutCategory = proposeActionItems([], ['gateway-config.bounded-retries']).map((item) => item.key);
    assert.ok(!withoutCategory.includes('general.retries-backoff-jitter'), 'covered by an existing action item');
  });

  it('proposes nothing twice, even for a repeated category', () => {
    const keys = proposeActionItems(['CAPACITY', 'CAPACITY'], []).map((item) => item.key);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('leaves out items written for other gateways when the gateway is known', () => {
    const haproxy = proposeActionItems(['UPSTREAM_RESET'], [], { gateway: 'haproxy' }).map((item) => item.key);
    assert.ok(haproxy.includes('upstream-reset.haproxy-reuse-safe'));
    assert.ok(!haproxy.includes('upstream-reset.nginx-keepalive-complete'));
    const unknown = proposeActionItems(['UPSTREAM_RESET'], []).map((item) => item.key);
    assert.ok(unknown.includes('upstream-reset.haproxy-reuse-safe') && unknown.includes('upstream-reset.nginx-keepalive-complete'));
  });

  it('gives the same list for the same input', () => {
    assert.deepEqual(proposeActionItems(['TLS', 'CDN_EDGE'], ['tls.full-chain']), proposeActionItems(['TLS', 'CDN_EDGE'], ['tls.full-chain']));
  });
});

describe('defaultDueDate', () => {
  it('is 7, 30 or 90 days out by priority, as a date', () => {
    assert.equal(defaultDueDate('P1', '2026-03-16'), '2026-03-23');
    assert.equal(defaultDueDate('P2', '2026-03-16'), '2026-04-15');
    assert.equal(defaultDueDate('P3', '2026-03-16'), '2026-06-14');
  });

  it('crosses months, years and leap days, counting from the UTC date of an instant', () => {
    assert.equal(defaultDueDate('P1', '2027-12-28'), '2028-01-04');
    assert.equal(defaultDueDate('P2', '2028-02-01'), '2028-03-02');
    assert.equal(defaultDueDate('P1', '2026-03-16T23:30:00-05:00'), '2026-03-24');
  });

  it('rejects a date it cannot read', () => {
    assert.throws(() => defaultDueDate('P1', 'next week'), RangeError);
  });
});
