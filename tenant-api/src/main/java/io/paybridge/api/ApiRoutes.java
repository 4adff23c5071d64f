package io.paybridge.api;

import io.paybridge.core.UseCases;
import io.paybridge.core.http.ApiError;
import io.paybridge.core.http.ClientAddress;
import io.paybridge.core.http.HttpErrors;
import io.paybridge.core.http.UnstorableText;
import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.tenant.TenantStore.EmailTakenException;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;

/**
 * The partner REST API: {@code /api/v1} and {@code /oauth/token}, built from the OpenAPI document
 * {@code paybridge/openapi.json}. Each operation is bound to its handler by {@code operationId};
 * requests are checked against the document before a handler runs, and a route the document does
 * not describe does not exist. Every {@code /api/v1} route but signup and the document itself needs
 * a bearer token (the document's {@code bearer} scheme), and every query is scoped to the token's
 * tenant: ids from the URL or body never select another tenant's data.
 */
public final class ApiRoutes {

  /** The status of every refusal of a well-formed request's input. */
  static final int INVALID_INPUT = 422;

  /** Largest JSON body the API accepts. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** Writes whose answers are not kept for {@code Idempotency-Key} replays. */
  private static final java.util.Set<String> NOT_REPLAYED =
      java.util.Set.of("createCharge", "createCheckout", "createApiClient", "rotateApiClient");

  private final Vertx vertx;
  private final UseCases useCases;
  private final TokenService tokens;
  private final BearerAuth auth;
  private final Buffer openApi;
  private final Idempotency idempotency;

  private ApiRoutes(Vertx vertx, UseCases useCases, PartnerApi partnerApi) {
    this.vertx = vertx;
    this.useCases = useCases;
    this.tokens = new TokenService(useCases.apiClients(), partnerApi.platform());
    this.auth =
        new BearerAuth(
            partnerApi.platform(),
            partnerApi.provider(),
            useCases.apiClients(),
            partnerApi.limits(),
            partnerApi.tenantLimits());
    this.openApi = OpenApiDocument.load();
    this.idempotency = new Idempotency(useCases.idempotency());
  }

  /**
   * Mounts the API on the node's router once the document is read and checked and the node hears of
   * revoked clients; the future fails when the document is not a valid contract or an operation in
   * it has no handler.
   *
   * @param partnerApi what the node's API keeps once for all its event loops
   */
  public static Future<Void> mount(
      Vertx vertx, Router root, UseCases useCases, PartnerApi partnerApi) {
    ApiRoutes routes = new ApiRoutes(vertx, useCases, partnerApi);
    // Tokens are checked against clients only once this node hears of every node's revocations.
    return useCases
        .apiClients()
        .listening()
        .compose(listening -> OpenApiDocument.contract(vertx, routes.openApi))
        .map(
            contract -> {
              routes.mountOn(root, contract);
              return null;
            });
  }

  private void mountOn(Router root, OpenAPIContract contract) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, ApiRoutes::extract);
    builder.security("bearer").httpHandler(auth);

    // Kept as they were before the contract router: RFC 6749 errors, the use case's own checks.
    operation(builder, "token")
        .setDoSecurity(false)
        .setDoValidation(false)
        .addHandler(tokens::token)
        .addFailureHandler(TokenService::failureHandler);
    operation(builder, "openapi")
        .setDoValidation(false)
        .addHandler(
            ctx -> ctx.response().putHeader("Content-Type", "application/json").end(openApi));
    operation(builder, "signup").setDoValidation(false).addHandler(this::signup);

    GatewayAccountsApi gateways =
        new GatewayAccountsApi(useCases.gatewayAccounts(), useCases.receipts());
    bind(builder, "listGateways", ApiScopes.GATEWAYS_READ, gateways::listGateways);
    bind(builder, "listGatewayAccounts", ApiScopes.GATEWAYS_READ, gateways::list);
    bind(builder, "getGatewayAccount", ApiScopes.GATEWAYS_READ, gateways::get);
    bind(builder, "putGatewayAccount", ApiScopes.GATEWAYS_WRITE, gateways::put);
    bind(builder, "deleteGatewayAccount", ApiScopes.GATEWAYS_WRITE, gateways::delete);
    bind(builder, "putGatewayAccountSettings", ApiScopes.GATEWAYS_WRITE, gateways::settings);
    PaymentsApi payments = new PaymentsApi(useCases.payments());
    bind(builder, "listPayments", ApiScopes.PAYMENTS_READ, payments::list);
    bind(builder, "customerBalance", ApiScopes.PAYMENTS_READ, payments::balance);
    SubscriptionsApi subscriptions =
        new SubscriptionsApi(useCases.subscriptions(), useCases.gatewayAccounts());
    bind(builder, "listSubscriptions", ApiScopes.PAYMENTS_READ, subscriptions::list);
    bind(builder, "getSubscription", ApiScopes.PAYMENTS_READ, subscriptions::get);
    bind(builder, "registerSubscription", ApiScopes.GATEWAYS_WRITE, subscriptions::register);
    bind(builder, "refreshSubscription", ApiScopes.GATEWAYS_WRITE, subscriptions::refresh);
    SyncApi sync = new SyncApi(useCases.syncTargets());
    bind(builder, "createSyncTarget", ApiScopes.SYNC_WRITE, sync::create);
    bind(builder, "listSyncTargets", ApiScopes.SYNC_READ, sync::list);
    bind(builder, "deleteSyncTarget", ApiScopes.SYNC_WRITE, sync::delete);
    bind(builder, "enableSyncTarget", ApiScopes.SYNC_WRITE, sync::enable);
    bind(builder, "disableSyncTarget", ApiScopes.SYNC_WRITE, sync::disable);
    bind(builder, "listDeliveries", ApiScopes.SYNC_READ, sync::deliveries);
    bind(builder, "replayDelivery", ApiScopes.SYNC_WRITE, sync::replay);
    ReceiptsApi receipts = new ReceiptsApi(useCases.receipts());
    bind(builder, "listReceipts", ApiScopes.RECEIPTS_READ, receipts::list);
    bind(builder, "getReceipt", ApiScopes.RECEIPTS_READ, receipts::get);
    bind(builder, "reprocessReceipt", ApiScopes.GATEWAYS_WRITE, receipts::reprocess);
    ChargesApi charges = new ChargesApi(useCases.paymentMethods(), useCases.charges());
    bind(builder, "putPaymentMethod", ApiScopes.PAYMENTS_WRITE, charges::putMethod);
    bind(builder, "getPaymentMethod", ApiScopes.PAYMENTS_READ, charges::getMethod);
    bind(builder, "deletePaymentMethod", ApiScopes.PAYMENTS_WRITE, charges::deleteMethod);
    bind(builder, "createCharge", ApiScopes.PAYMENTS_WRITE, charges::create);
    bind(builder, "getCharge", ApiScopes.PAYMENTS_READ, charges::get);
    PurchasesApi purchases = new PurchasesApi(useCases.purchases());
    bind(builder, "handOverAppStorePurchase", ApiScopes.PAYMENTS_WRITE, purchases::appStore);
    bind(builder, "handOverGooglePlayPurchase", ApiScopes.PAYMENTS_WRITE, purchases::googlePlay);
    CheckoutsApi checkouts = new CheckoutsApi(useCases.checkouts());
    bind(builder, "createCheckout", ApiScopes.PAYMENTS_WRITE, checkouts::create);
    bind(builder, "listCheckouts", ApiScopes.PAYMENTS_READ, checkouts::list);
    bind(builder, "getCheckout", ApiScopes.PAYMENTS_READ, checkouts::get);
    bind(builder, "captureCheckout", ApiScopes.PAYMENTS_WRITE, checkouts::capture);
    bind(builder, "registerCheckoutIntent", ApiScopes.PAYMENTS_WRITE, checkouts::intent);
    CobotApi cobot = new CobotApi(useCases.cobot());
    bind(builder, "connectCobot", ApiScopes.INTEGRATIONS_WRITE, cobot::connect);
    bind(builder, "getCobot", ApiScopes.INTEGRATIONS_READ, cobot::get);
    bind(builder, "disconnectCobot", ApiScopes.INTEGRATIONS_WRITE, cobot::disconnect);
    bind(builder, "listCobotInvoices", ApiScopes.PAYMENTS_READ, cobot::invoices);
    bind(builder, "rerunCobotInvoice", ApiScopes.PAYMENTS_WRITE, cobot::rerun);
    RefundsApi refunds = new RefundsApi(useCases.refunds());
    bind(builder, "createRefund", ApiScopes.PAYMENTS_WRITE, refunds::create);
    bind(builder, "listRefunds", ApiScopes.PAYMENTS_READ, refunds::list);
    bind(builder, "getRefund", ApiScopes.PAYMENTS_READ, refunds::get);
    ApiClientsApi apiClients = new ApiClientsApi(useCases.apiClients());
    bind(builder, "createApiClient", ApiScopes.API_CLIENTS_WRITE, apiClients::create);
    bind(builder, "listApiClients", ApiScopes.API_CLIENTS_READ, apiClients::list);
    bind(builder, "getApiClient", ApiScopes.API_CLIENTS_READ, apiClients::get);
    bind(builder, "deleteApiClient", ApiScopes.API_CLIENTS_WRITE, apiClients::delete);
    bind(builder, "rotateApiClient", ApiScopes.API_CLIENTS_WRITE, apiClients::rotate);

    List<String> unbound =
        builder.getRoutes().stream()
            .filter(r -> r.getHandlers().isEmpty())
            .map(r -> r.getOperation().getOperationId())
            .toList();
    if (!unbound.isEmpty()) {
      throw new IllegalStateException("operations without a handler: " + unbound);
    }

    // On the operations' routes only: the router is mounted at the root, and other areas' failures
    // are theirs to answer.
    builder.getRoutes().forEach(route -> route.addFailureHandler(ApiRoutes::failureHandler));
    Router api = builder.createRouter();
    // The document's paths are absolute (/api/v1/..., /oauth/token): the router is mounted at the
    // root, and a request it has no route for goes on to the node's other routes.
    BodyHandler body = BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
    root.post("/oauth/token").handler(body);
    root.route("/api/v1/*").handler(body);
    root.route("/*").subRouter(api);
  }

  /**
   * The request as the validator reads it, the body from the {@link BodyHandler}; a query string
   * that cannot be decoded is answered 400 by vertx-web, as before the contract router.
   */
  private static Future<ValidatableRequest> extract(RoutingContext ctx, Operation operation) {
    ctx.queryParams();
    return RequestExtractor.withBodyHandler().extractValidatableRequest(ctx, operation);
  }

  /**
   * Binds an operation of the document to a handler behind a scope check; a write (POST, PUT) also
   * behind {@code Idempotency-Key} handling, except a charge and a checkout, whose key is part of
   * what they create, and the answers that carry a new API client secret, which is never stored. A
   * checkout's body is checked by the use case, which names every field at fault at once.
   */
  private void bind(
      RouterBuilder builder, String operationId, String scope, Handler<RoutingContext> handler) {
    OpenAPIRoute route =
        operation(builder, operationId).addHandler(TokenService.requireScope(scope));
    String method = route.getOperation().getHttpMethod().name();
    if (operationId.equals("createCheckout")) {
      route.setDoValidation(false);
    }
    if ((method.equals("POST") || method.equals("PUT")) && !NOT_REPLAYED.contains(operationId)) {
      route.addHandler(idempotency.handler());
    }
    route.addHandler(handler);
  }

  private static OpenAPIRoute operation(RouterBuilder builder, String operationId) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("the OpenAPI document has no operation " + operationId);
    }
    return route;
  }

  /**
   * The one failure handler, with requests the document refuses answered as problem documents
   * naming the input at fault. Input a well-formed request gets wrong, whoever finds it (the
   * document's checks, a handler, a use case), is one status: 422 naming every field at fault; 400
   * is left for a body that cannot be read as the JSON object the operation takes.
   */
  static void failureHandler(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof TokenRefusal refused) {
      refused.respond(ctx);
      return;
    }
    if (failure instanceof HttpException he && he.getCause() instanceof ValidatorException bad) {
      failure = ContractErrors.refusal(bad);
      if (failure instanceof ApiError api) {
        HttpErrors.respond(ctx, api.status(), api.toJson());
        return;
      }
    }
    if (failure instanceof InvalidInput invalid) {
      HttpErrors.invalidInput(ctx, invalid, INVALID_INPUT);
      return;
    }
    if (UnstorableText.is(failure)) {
      HttpErrors.respond(ctx, INVALID_INPUT, UnstorableText.CODE, UnstorableText.MESSAGE);
      return;
    }
    HttpErrors.failureHandler(ctx);
  }

  /**
   * {@code POST /api/v1/signup}: a new tenant and its first API client; the secret is shown once.
   * Too many sign-ups from the client's address are answered 429 by the failure handler.
   */
  private void signup(RoutingContext ctx) {
    JsonObject in = Requests.jsonObject(ctx);
    useCases
        .tenants()
        .signUp(text(in, "name"), text(in, "email"), text(in, "password"), ClientAddress.of(ctx))
        .onSuccess(
            signedUp ->
                ctx.response()
                    .setStatusCode(201)
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Content-Type", "application/json")
                    .end(
                        new JsonObject()
                            .put("tenantId", signedUp.tenantId().toString())
                            .put("clientId", signedUp.clientId())
                            .put("clientSecret", signedUp.clientSecret())
                            .encode()))
        .onFailure(
            err -> {
              if (err instanceof EmailTakenException) {
                HttpErrors.respond(
                    ctx,
                    409,
                    new JsonObject()
                        .put("error", "email_taken")
                        .put("message", err.getMessage())
                        .put("field", "email"));
              } else {
                ctx.fail(err);
              }
            });
  }

  /** A field the use case checks; anything but a string counts as missing. */
  private static String text(JsonObject in, String field) {
    Object v = in.getValue(field);
    return v instanceof String s ? s : null;
  }
}
