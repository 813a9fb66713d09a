import type { TokenResponse, TokenStatus } from 'botbuilder';
import { UserTokenClient } from 'botframework-connector';
import { expect } from 'chai';
import { DeferredUserTokenClient } from '../../../bot/channel/deferredUserTokenClient.ts';

/** Records its calls; every operation it does not need throws. */
class RecordingClient extends UserTokenClient {
  readonly calls: string[] = [];
  async getUserToken(userId: string, connection: string): Promise<TokenResponse> {
    this.calls.push(`token ${userId} ${connection}`);
    return { channelId: 'test', connectionName: connection, token: 't', expiration: '' };
  }
  async getTokenStatus(userId: string): Promise<TokenStatus[]> {
    this.calls.push(`status ${userId}`);
    return [];
  }
  getSignInResource(): never {
    throw new Error('not used');
  }
  signOutUser(): never {
    throw new Error('not used');
  }
  getAadTokens(): never {
    throw new Error('not used');
  }
  exchangeToken(): never {
    throw new Error('not used');
  }
}

describe('DeferredUserTokenClient', () => {
  it('builds the real client only when an operation is first called, and once', async () => {
    const inner = new RecordingClient();
    let built = 0;
    const client = new DeferredUserTokenClient(async () => {
      built += 1;
      return inner;
    });
    expect(built).to.equal(0);
    expect((await client.getUserToken('u1', 'aad', 'test', '')).token).to.equal('t');
    expect(await client.getTokenStatus('u1', 'test', '')).to.deep.equal([]);
    expect(built).to.equal(1);
    expect(inner.calls).to.deep.equal(['token u1 aad', 'status u1']);
  });
});
