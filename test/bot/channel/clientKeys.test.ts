import { expect } from 'chai';
import { ClientKeys } from '../../../bot/channel/clientKeys.ts';

describe('ClientKeys', () => {
  it('gives an address the same 16-hex-digit key every time (kept in memory or not), another one per secret', () => {
    const keys = ClientKeys.of('first secret');
    const key = keys.keyOf('203.0.113.7');
    expect(key).to.match(/^[0-9a-f]{16}$/);
    expect(keys.keyOf('203.0.113.7')).to.equal(key);
    expect(ClientKeys.of('first secret').keyOf('203.0.113.7')).to.equal(key);
    expect(ClientKeys.of('other secret').keyOf('203.0.113.7')).to.not.equal(key);
    expect(keys.keyOf('203.0.113.8')).to.not.equal(key);
    // More addresses than it keeps: the first one's key is computed again, the same.
    for (let i = 0; i < 10_050; i += 1) keys.keyOf(`10.0.${i >> 8}.${i & 255}`);
    expect(keys.keyOf('203.0.113.7')).to.equal(key);
  });
});
