import {
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  type ClaimsIdentity,
  type ConnectorClient,
  ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import { setRecent } from '../../dialogs/root/recentMap.ts';
import { DeferredUserTokenClient } from './deferredUserTokenClient.ts';

/** A connector (serviceUrl) that does not answer within this time fails the call: nothing holds a socket forever. */
export const CONNECTOR_TIMEOUT_MS = 10_000;

/**
 * Connector clients kept for reuse, most recently used first out last. Building one (an HTTP pipeline with its
 * policies) cost about 90 µs of every turn, a sixth of an FAQ turn over HTTP, and the SDK built one per turn even
 * when the replies go back in the response (expectReplies) and it is never called. Bounded: without an Azure Bot
 * the serviceUrl is the caller's choice.
 */
const MAX_CLIENTS = 64;

type OperationRequest = ConnectorClient['sendOperationRequest'];

/** Every operation of the client gets a time limit (the SDK sets none, and overrides any request policy we pass). */
function limitOperations(client: ConnectorClient, timeoutMs: number): ConnectorClient {
  const send: OperationRequest = client.sendOperationRequest.bind(client);
  client.sendOperationRequest = ((args, spec, callback) => {
    const options = { ...args.options, timeout: Math.min(args.options?.timeout || timeoutMs, timeoutMs) };
    return send({ ...args, options }, spec, callback);
  }) as OperationRequest;
  return client;
}

/** The bot's app id the SDK builds a turn's connector factory for (as botframework-connector's getAppId reads it). */
function appIdOf(claimsIdentity: ClaimsIdentity): string | null {
  return (
    claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ??
    claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim)
  );
}

class TimeLimitedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly timeoutMs: number,
    /** Shared by every factory of one authentication; keyed by app id, audience and serviceUrl. */
    private readonly clients: Map<string, ConnectorClient>,
    private readonly appId: string | null,
  ) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    // Everything else the inner factory builds a client from is fixed for the authentication that made it.
    const key = JSON.stringify([this.appId, audience ?? null, serviceUrl]);
    const cached = this.clients.get(key);
    if (cached) {
      setRecent(this.clients, key, cached, MAX_CLIENTS);
      return cached;
    }
    const client = limitOperations(await this.inner.create(serviceUrl, audience), this.timeoutMs);
    setRecent(this.clients, key, client, MAX_CLIENTS);
    return client;
  }
}

/**
 * Bot Framework authentication as configured, whose connector clients time out and are reused, and whose user token
 * client is built only when something uses it.
 */
export class TimeLimitedAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly clients = new Map<string, ConnectorClient>();

  constructor(
    options: ConfigurationBotFrameworkAuthenticationOptions,
    private readonly timeoutMs: number = CONNECTOR_TIMEOUT_MS,
  ) {
    super(options);
  }

  /** Incoming turns: the factory their replies are sent with. */
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    const factory = result.connectorFactory;
    if (!factory) return result;
    const appId = appIdOf(result.claimsIdentity);
    return {
      ...result,
      connectorFactory: new TimeLimitedConnectorFactory(factory, this.timeoutMs, this.clients, appId),
    };
  }

  /** Proactive messages (continueConversationAsync). */
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const factory = super.createConnectorFactory(claimsIdentity);
    return new TimeLimitedConnectorFactory(factory, this.timeoutMs, this.clients, appIdOf(claimsIdentity));
  }

  /**
   * The SDK makes one for every turn (another HTTP pipeline, about 35 µs); only sign-in prompts use it, and this
   * assistant has none. Built on first use instead.
   */
  override async createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return new DeferredUserTokenClient(() => super.createUserTokenClient(claimsIdentity));
  }
}
