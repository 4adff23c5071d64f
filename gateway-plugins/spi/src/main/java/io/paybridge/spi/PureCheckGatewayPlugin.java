package io.paybridge.spi;

import io.vertx.core.Future;

/**
 * The base of a plugin whose deliveries prove themselves by what arrived alone: a signature, token
 * or certificate chain checked on the CPU, with no call to the gateway. {@link #verify} runs the
 * plugin's {@link #check} as {@link Verdict#checked} does, so input nobody foresaw rejects the
 * delivery instead of failing it.
 */
public abstract class PureCheckGatewayPlugin extends AbstractGatewayPlugin {

  private final String proof;

  /**
   * @param proof what the check proves, as a rejection names it, e.g. {@code Stripe signature}
   */
  protected PureCheckGatewayPlugin(GatewayIdentity identity, String proof) {
    super(identity);
    this.proof = proof;
  }

  @Override
  public final Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    return Verdict.checked(proof, () -> check(request, credentials));
  }

  /**
   * Whether the delivery really comes from the gateway for the account whose credentials are given;
   * the contract of {@link GatewayPlugin#verify}, answered without I/O.
   */
  protected abstract Verdict check(WebhookRequest request, Credentials credentials);
}
