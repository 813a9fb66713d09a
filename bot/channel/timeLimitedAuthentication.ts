import {
  type Activity,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import {
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  ConnectorFactory,
} from 'botframework-connector';

/** A connector (serviceUrl) that does not answer within this time fails the call: nothing holds a socket forever. */
export const CONNECTOR_TIMEOUT_MS = 10_000;

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

class TimeLimitedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  override async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    return limitOperations(await this.inner.create(serviceUrl, audience), this.timeoutMs);
  }
}

/** Bot Framework authentication as configured, whose connector clients time out. */
export class TimeLimitedAuthentication extends ConfigurationBotFrameworkAuthentication {
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
    return factory ? { ...result, connectorFactory: new TimeLimitedConnectorFactory(factory, this.timeoutMs) } : result;
  }

  /** Proactive messages (continueConversationAsync). */
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new TimeLimitedConnectorFactory(super.createConnectorFactory(claimsIdentity), this.timeoutMs);
  }
}
