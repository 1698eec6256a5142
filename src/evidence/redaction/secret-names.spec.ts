import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretHeaderLineName, isSecretHeaderName, isSecretJsonKey, isSecretParamName } from './secret-names.js';

describe('secret names', () => {
  it('credential headers are secret, the headers that tell the hop are not', () => {
    for (const name of ['Cookie', 'set-cookie', 'Authorization', 'Proxy-Authorization', 'X-Api-Key', 'Api-Key', 'X-Auth-Token', 'X-Csrf-Token', 'X-Amz-Security-Token', 'X-Session-Id', 'x-my-app-secret', 'X-Client-Password']) {
      assert.equal(isSecretHeaderName(name), true, name);
    }
    for (const name of ['Server', 'Via', 'cf-ray', 'x-amz-cf-id', 'x-cache', 'x-envoy-upstream-service-time', ':authority', 'content-type', 'access-control-allow-credentials', 'www-authenticate', 'sec-websocket-key', 'date']) {
      assert.equal(isSecretHeaderName(name), false, name);
    }
  });

  it('query and form names: OAuth, signed URLs and API keys', () => {
    for (const name of ['access_token', 'id_token', 'refresh_token', 'token', 'code', 'api_key', 'apikey', 'key', 'sig', 'signature', 'X-Amz-Signature', 'X-Amz-Credential', 'password', 'secret', 'session', 'jsessionid', 'client_secret', 'SAMLResponse']) {
      assert.equal(isSecretParamName(name), true, name);
    }
    for (const name of ['page', 'lang', 'state', 'q', 'utm_source', 'callback']) assert.equal(isSecretParamName(name), false, name);
  });

  it('JSON keys skip the common short names that are rarely credentials', () => {
    assert.equal(isSecretJsonKey('password'), true);
    assert.equal(isSecretJsonKey('accessToken'), true);
    assert.equal(isSecretJsonKey('Authorization'), true);
    assert.equal(isSecretJsonKey('key'), false);
    assert.equal(isSecretJsonKey('code'), false);
    assert.equal(isSecretJsonKey('status'), false);
  });

  it('header lines in free text do not match code like getCookie:', () => {
    assert.equal(isSecretHeaderLineName('Cookie'), true);
    assert.equal(isSecretHeaderLineName('X-Vendor-Token'), true);
    assert.equal(isSecretHeaderLineName('getCookie'), false);
    assert.equal(isSecretHeaderLineName('cookies'), false);
  });
});
