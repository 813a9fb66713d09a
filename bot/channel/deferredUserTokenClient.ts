import type { Activity, SignInUrlResponse, TokenExchangeRequest, TokenResponse, TokenStatus } from 'botbuilder';
import { UserTokenClient } from 'botframework-connector';

/** A UserTokenClient that builds the real one (see `create`) the first time one of its operations is called. */
export class DeferredUserTokenClient extends UserTokenClient {
  #client: Promise<UserTokenClient> | undefined;

  constructor(private readonly create: () => Promise<UserTokenClient>) {
    super();
  }

  private client(): Promise<UserTokenClient> {
    this.#client ??= this.create();
    return this.#client;
  }

  override async getUserToken(
    userId: string,
    connectionName: string,
    channelId: string,
    magicCode: string,
  ): Promise<TokenResponse> {
    return (await this.client()).getUserToken(userId, connectionName, channelId, magicCode);
  }

  override async getSignInResource(
    connectionName: string,
    activity: Activity,
    finalRedirect: string,
  ): Promise<SignInUrlResponse> {
    return (await this.client()).getSignInResource(connectionName, activity, finalRedirect);
  }

  override async signOutUser(userId: string, connectionName: string, channelId: string): Promise<void> {
    return (await this.client()).signOutUser(userId, connectionName, channelId);
  }

  override async getTokenStatus(userId: string, channelId: string, includeFilter: string): Promise<TokenStatus[]> {
    return (await this.client()).getTokenStatus(userId, channelId, includeFilter);
  }

  override async getAadTokens(
    userId: string,
    connectionName: string,
    resourceUrls: string[],
    channelId: string,
  ): Promise<Record<string, TokenResponse>> {
    return (await this.client()).getAadTokens(userId, connectionName, resourceUrls, channelId);
  }

  override async exchangeToken(
    userId: string,
    connectionName: string,
    channelId: string,
    exchangeRequest: TokenExchangeRequest,
  ): Promise<TokenResponse> {
    return (await this.client()).exchangeToken(userId, connectionName, channelId, exchangeRequest);
  }
}
