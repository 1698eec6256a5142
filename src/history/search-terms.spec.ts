import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchTerms } from './history-search.service.js';

describe('search terms', () => {
  it('splits hyphenated and underscored words outside quotes, keeps quoted phrases', () => {
    assert.equal(searchTerms('keep-alive reset'), 'keep alive reset');
    assert.equal(searchTerms('proxy_read_timeout'), 'proxy read timeout');
    assert.equal(searchTerms('"keep-alive race" -tls'), '"keep-alive race" -tls');
    assert.equal(searchTerms('a "b-c" d-e'), 'a "b-c" d e');
  });

  it('leaves exclusions, numbers and addresses alone', () => {
    assert.equal(searchTerms('-dns 10.0.3.7 502'), '-dns 10.0.3.7 502');
    assert.equal(searchTerms('upstream -'), 'upstream -');
    assert.equal(searchTerms('"unterminated-phrase'), '"unterminated-phrase');
  });
});
