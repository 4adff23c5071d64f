package io.paybridge.core.config;

import io.paybridge.core.cobot.CobotSettings;
import io.paybridge.core.db.DatabaseRoles;
import io.paybridge.core.http.TrustedProxies;
import io.paybridge.core.throttle.ThrottleSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every setting of a Paybridge node, read once at start-up from environment variables (each
 * documented in the README with its default) and handed to the parts that need it.
 *
 * @param httpHost interface the HTTP server binds ({@code PAYBRIDGE_HTTP_HOST}; default 127.0.0.1
 *     in dev mode, every interface in production)
 * @param httpPort HTTP port for console, API and webhooks ({@code PAYBRIDGE_HTTP_PORT})
 * @param publicUrl base URL gateways and browsers use to reach this platform, used to build webhook
 *     URLs ({@code PAYBRIDGE_PUBLIC_URL}; default {@code http://localhost:<port>})
 * @param dataDir folder for dev-mode state: the embedded database and the generated master key
 *     ({@code PAYBRIDGE_DATA_DIR}); a master key file is never accepted inside it
 * @param dbUrl {@code postgresql://user:pass@host:port/db}; absent means an embedded PostgreSQL
 *     under the data folder ({@code PAYBRIDGE_DB_URL})
 * @param dbPoolSize connections per node ({@code PAYBRIDGE_DB_POOL_SIZE})
 * @param masterKey base64 of a 32-byte key, or {@code id:base64,id:base64} with the current key
 *     first ({@code PAYBRIDGE_MASTER_KEY}); absent (and no key file) in dev mode means a key
 *     generated in the data folder, in production a refusal to start
 * @param tokenTtl lifetime of API access tokens ({@code PAYBRIDGE_TOKEN_TTL_SECONDS})
 * @param passwordHashIterations PBKDF2 iterations for passwords and client secrets ({@code
 *     PAYBRIDGE_PASSWORD_HASH_ITERATIONS})
 * @param hashThreads threads of the node's own pool for those hashes ({@code
 *     PAYBRIDGE_HASH_THREADS}; default the number of cores)
 * @param throttles how many sign-ins, sign-ups and token requests a client may try, counted for the
 *     whole cluster ({@code PAYBRIDGE_THROTTLE_*}; see {@link ThrottleSettings})
 * @param maxWebhookBytes largest webhook body accepted ({@code PAYBRIDGE_MAX_WEBHOOK_BYTES})
 * @param maxBatch most webhooks recorded in one group commit ({@code PAYBRIDGE_INGEST_MAX_BATCH})
 * @param maxInFlightBatches most group commits under way at once per event loop ({@code
 *     PAYBRIDGE_INGEST_MAX_IN_FLIGHT}, default 1): one at a time lets batches grow, which is what
 *     makes a webhook cheap for the database
 * @param parallelBatchAt with more than one allowed, how many webhooks must be waiting before
 *     another statement starts beside one under way ({@code PAYBRIDGE_INGEST_PARALLEL_AT}, default
 *     32), so that only full batches run in parallel
 * @param httpInstances HTTP verticle instances, one event loop each ({@code
 *     PAYBRIDGE_HTTP_INSTANCES})
 * @param gatewaySettings settings handed to gateway plugins: every {@code PAYBRIDGE_GATEWAY_*}
 *     variable, keyed by the rest of its name in lower case with {@code _} as {@code .}, and {@code
 *     platform.mode} ({@code dev} or {@code production})
 * @param allowPrivateTargets whether sync targets may point at loopback and private addresses
 *     ({@code PAYBRIDGE_ALLOW_PRIVATE_TARGETS}; default false, dev mode included: an explicit
 *     opt-in, for a receiver on the developer's own machine or network; production refuses true)
 * @param maxSyncTargets most sync targets a tenant may have ({@code PAYBRIDGE_MAX_SYNC_TARGETS},
 *     default 10)
 * @param maxApiClients most active API clients a tenant may have ({@code
 *     PAYBRIDGE_MAX_API_CLIENTS}, default 20)
 * @param nodeName this node's name in job leases and logs ({@code PAYBRIDGE_NODE_NAME}; default
 *     host name and process id)
 * @param syncTimeout time one delivery attempt to a sync target may take ({@code
 *     PAYBRIDGE_SYNC_TIMEOUT_MS})
 * @param retryBase first retry delay of failed jobs, doubling up to an hour ({@code
 *     PAYBRIDGE_RETRY_BASE_MS})
 * @param renewalScanInterval how often a node looks for subscriptions to renew ({@code
 *     PAYBRIDGE_RENEWAL_SCAN_SECONDS})
 * @param metricsPort where {@code /metrics} (and a copy of the health checks) is served: a port of
 *     its own ({@code PAYBRIDGE_METRICS_PORT}; production's default {@value #DEFAULT_METRICS_PORT},
 *     0 for any free one), or {@value #ON_PUBLIC_PORT}, the public port (dev mode's default)
 * @param payerContactRetention how long payers' e-mail addresses and contact details stay on ledger
 *     entries ({@code PAYBRIDGE_PAYER_CONTACT_RETENTION_DAYS}, default 365)
 * @param receiptRetention how long the raw body and headers of a webhook delivery are kept, and how
 *     long receipts of rejected and duplicate deliveries are kept at all ({@code
 *     PAYBRIDGE_RECEIPT_RETENTION_DAYS}, default 30)
 * @param cobot where Cobot and the members' card script are reached ({@code PAYBRIDGE_COBOT_URL},
 *     {@code PAYBRIDGE_COBOT_SPACE_URL}, {@code PAYBRIDGE_STRIPE_JS_URL}; see {@link
 *     CobotSettings})
 * @param mode {@code PAYBRIDGE_MODE}: dev by default with the embedded database, production with an
 *     external one
 * @param masterKeyFile a file holding the master key specification, outside the data folder and
 *     readable by its owner only ({@code PAYBRIDGE_MASTER_KEY_FILE}); the alternative to {@code
 *     masterKey}
 * @param tokenKeyRotation how long a token-signing key is the current one before the platform
 *     generates the next ({@code PAYBRIDGE_TOKEN_KEY_ROTATION_DAYS}, default 30)
 * @param consoleSessionLifetime how long a console session lasts after sign-in, however active it
 *     is ({@code PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS}, default 12 hours); the idle timeout
 *     ends it sooner
 * @param trustedProxies the load balancers whose forwarding header names the client (none: the
 *     peer)
 * @param dbRoles who migrates the database; whether production may run on a role able to change it
 * @param partnerApi the partner API's request limit per client and the operator's identity provider
 *     ({@code PAYBRIDGE_API_*}, {@code PAYBRIDGE_OIDC_*}; see {@link PartnerApiSettings})
 * @param ingestShares how much of each event loop's group-commit queue one tenant's webhooks may
 *     hold ({@code PAYBRIDGE_INGEST_QUEUE_CAPACITY}, {@code PAYBRIDGE_INGEST_TENANT_MIN_SHARE}),
 *     and the latency past which an overloaded node holds back the tenants that flood it ({@code
 *     PAYBRIDGE_INGEST_LATENCY_TARGET_MS})
 */
public record PaybridgeConfig(
    String httpHost,
    int httpPort,
    String publicUrl,
    Path dataDir,
    String dbUrl,
    int dbPoolSize,
    String masterKey,
    Duration tokenTtl,
    int passwordHashIterations,
    int hashThreads,
    ThrottleSettings throttles,
    int maxWebhookBytes,
    int maxBatch,
    int maxInFlightBatches,
    int parallelBatchAt,
    int httpInstances,
    Map<String, String> gatewaySettings,
    boolean allowPrivateTargets,
    int maxSyncTargets,
    int maxApiClients,
    String nodeName,
    Duration syncTimeout,
    Duration retryBase,
    Duration renewalScanInterval,
    Duration receiptRetention,
    CobotSettings cobot,
    Mode mode,
    Path masterKeyFile,
    Duration tokenKeyRotation,
    Duration consoleSessionLifetime,
    Duration payerContactRetention,
    int metricsPort,
    TrustedProxies trustedProxies,
    DatabaseRoles.Settings dbRoles,
    PartnerApiSettings partnerApi,
    IngestShares ingestShares) {

  /** The management port production serves {@code /metrics} and health on by default. */
  public static final int DEFAULT_METRICS_PORT = 9464;

  /**
   * {@code metricsPort} when {@code /metrics} is served on the public port (dev mode's default).
   */
  public static final int ON_PUBLIC_PORT = -1;

  public PaybridgeConfig {
    if (metricsPort < ON_PUBLIC_PORT || metricsPort > 65535) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_METRICS_PORT must be 0-65535, or -1 for the public port, was " + metricsPort);
    }
    if (payerContactRetention.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_PAYER_CONTACT_RETENTION_DAYS must be at least 1");
    }
    if (receiptRetention.isNegative() || receiptRetention.isZero()) {
      throw new IllegalArgumentException("PAYBRIDGE_RECEIPT_RETENTION_DAYS must be at least 1");
    }
    if (maxSyncTargets < 1 || maxApiClients < 1) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_MAX_SYNC_TARGETS and PAYBRIDGE_MAX_API_CLIENTS must be at least 1");
    }
    if (maxInFlightBatches < 1 || parallelBatchAt < 1 || maxBatch < 1) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_INGEST_MAX_BATCH, PAYBRIDGE_INGEST_MAX_IN_FLIGHT and"
              + " PAYBRIDGE_INGEST_PARALLEL_AT must be at least 1");
    }
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(throttles, "throttles");
    Objects.requireNonNull(partnerApi, "partnerApi");
    Objects.requireNonNull(ingestShares, "ingestShares");
    if (hashThreads < 1) {
      throw new IllegalArgumentException("PAYBRIDGE_HASH_THREADS must be at least 1");
    }
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(dbRoles, "dbRoles");
    if (masterKey != null && masterKeyFile != null) {
      throw new IllegalArgumentException(
          "set PAYBRIDGE_MASTER_KEY or PAYBRIDGE_MASTER_KEY_FILE, not both");
    }
    if (tokenKeyRotation.compareTo(Duration.ofDays(1)) < 0) {
      throw new IllegalArgumentException("PAYBRIDGE_TOKEN_KEY_ROTATION_DAYS must be at least 1");
    }
    if (consoleSessionLifetime.isNegative() || consoleSessionLifetime.isZero()) {
      throw new IllegalArgumentException(
          "PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS must be at least 1");
    }
    gatewaySettings = Map.copyOf(gatewaySettings);
    if (httpPort < 0 || httpPort > 65535) {
      throw new IllegalArgumentException("PAYBRIDGE_HTTP_PORT must be 0-65535, was " + httpPort);
    }
    if (publicUrl.endsWith("/")) {
      publicUrl = publicUrl.substring(0, publicUrl.length() - 1);
    }
  }

  /** Reads the process environment. */
  public static PaybridgeConfig fromEnvironment() {
    return from(System.getenv());
  }

  /** Reads settings from a map of variables (the environment, or a test's own). */
  public static PaybridgeConfig from(Map<String, String> env) {
    Function<String, String> get =
        name -> {
          String v = env.get(name);
          return v == null || v.isBlank() ? null : v.strip();
        };
    int port = intSetting(get, "PAYBRIDGE_HTTP_PORT", 8080);
    String dbUrl = get.apply("PAYBRIDGE_DB_URL");
    Mode mode = Mode.from(get.apply("PAYBRIDGE_MODE"), dbUrl == null);
    String keyFile = get.apply("PAYBRIDGE_MASTER_KEY_FILE");
    String publicUrl = get.apply("PAYBRIDGE_PUBLIC_URL");
    Map<String, String> gateway = new java.util.TreeMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith("PAYBRIDGE_GATEWAY_") && v != null) {
            gateway.put(
                k.substring("PAYBRIDGE_GATEWAY_".length())
                    .toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '.'),
                v);
          }
        });
    // Plugins may be stricter in production (Google Play requires push authentication there).
    gateway.putIfAbsent("platform.mode", mode.name().toLowerCase(java.util.Locale.ROOT));
    return new PaybridgeConfig(
        orDefault(get.apply("PAYBRIDGE_HTTP_HOST"), mode == Mode.DEV ? "127.0.0.1" : "0.0.0.0"),
        port,
        publicUrl != null ? publicUrl : "http://localhost:" + port,
        Path.of(orDefault(get.apply("PAYBRIDGE_DATA_DIR"), "data")).toAbsolutePath().normalize(),
        dbUrl,
        intSetting(get, "PAYBRIDGE_DB_POOL_SIZE", 16),
        get.apply("PAYBRIDGE_MASTER_KEY"),
        Duration.ofSeconds(intSetting(get, "PAYBRIDGE_TOKEN_TTL_SECONDS", 3600)),
        intSetting(get, "PAYBRIDGE_PASSWORD_HASH_ITERATIONS", 210_000),
        intSetting(get, "PAYBRIDGE_HASH_THREADS", Runtime.getRuntime().availableProcessors()),
        throttles(get),
        intSetting(get, "PAYBRIDGE_MAX_WEBHOOK_BYTES", 256 * 1024),
        intSetting(get, "PAYBRIDGE_INGEST_MAX_BATCH", 256),
        intSetting(get, "PAYBRIDGE_INGEST_MAX_IN_FLIGHT", 1),
        intSetting(get, "PAYBRIDGE_INGEST_PARALLEL_AT", 32),
        intSetting(get, "PAYBRIDGE_HTTP_INSTANCES", Runtime.getRuntime().availableProcessors()),
        gateway,
        boolSetting(get, "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", false),
        intSetting(get, "PAYBRIDGE_MAX_SYNC_TARGETS", 10),
        intSetting(get, "PAYBRIDGE_MAX_API_CLIENTS", 20),
        orDefault(get.apply("PAYBRIDGE_NODE_NAME"), defaultNodeName()),
        Duration.ofMillis(intSetting(get, "PAYBRIDGE_SYNC_TIMEOUT_MS", 30_000)),
        Duration.ofMillis(intSetting(get, "PAYBRIDGE_RETRY_BASE_MS", 5_000)),
        Duration.ofSeconds(intSetting(get, "PAYBRIDGE_RENEWAL_SCAN_SECONDS", 300)),
        Duration.ofDays(intSetting(get, "PAYBRIDGE_RECEIPT_RETENTION_DAYS", 30)),
        new CobotSettings(
            orDefault(get.apply("PAYBRIDGE_COBOT_URL"), CobotSettings.DEFAULTS.cobotUrl()),
            orDefault(get.apply("PAYBRIDGE_COBOT_SPACE_URL"), CobotSettings.DEFAULTS.spaceUrl()),
            orDefault(get.apply("PAYBRIDGE_STRIPE_JS_URL"), CobotSettings.DEFAULTS.stripeJsUrl())),
        mode,
        keyFile == null ? null : Path.of(keyFile).toAbsolutePath().normalize(),
        Duration.ofDays(intSetting(get, "PAYBRIDGE_TOKEN_KEY_ROTATION_DAYS", 30)),
        Duration.ofSeconds(
            intSetting(get, "PAYBRIDGE_CONSOLE_SESSION_LIFETIME_SECONDS", 12 * 60 * 60)),
        Duration.ofDays(intSetting(get, "PAYBRIDGE_PAYER_CONTACT_RETENTION_DAYS", 365)),
        get.apply("PAYBRIDGE_METRICS_PORT") == null
            ? (mode == Mode.PRODUCTION ? DEFAULT_METRICS_PORT : ON_PUBLIC_PORT)
            : intSetting(get, "PAYBRIDGE_METRICS_PORT", DEFAULT_METRICS_PORT),
        TrustedProxies.parse(
            get.apply("PAYBRIDGE_TRUSTED_PROXIES"),
            get.apply("PAYBRIDGE_FORWARDED_HEADER"),
            boolSetting(get, "PAYBRIDGE_PROXY_PROTOCOL", false)),
        new DatabaseRoles.Settings(
            get.apply("PAYBRIDGE_DB_MIGRATION_USER"),
            env.get("PAYBRIDGE_DB_MIGRATION_PASSWORD"),
            boolSetting(get, "PAYBRIDGE_DB_ALLOW_DDL", false)),
        PartnerApiSettings.from(
            get,
            name -> intSetting(get, name, PartnerApiSettings.defaultLimit(name)),
            boolSetting(get, "PAYBRIDGE_ALLOW_PRIVATE_TARGETS", false)),
        new IngestShares(
            intSetting(get, "PAYBRIDGE_INGEST_QUEUE_CAPACITY", IngestShares.DEFAULTS.capacity()),
            intSetting(get, "PAYBRIDGE_INGEST_TENANT_MIN_SHARE", IngestShares.DEFAULTS.minShare()),
            Duration.ofMillis(
                intSetting(
                    get,
                    "PAYBRIDGE_INGEST_LATENCY_TARGET_MS",
                    (int) IngestShares.DEFAULTS.latencyTarget().toMillis()))));
  }

  /** The same configuration with another HTTP port and a public URL that follows it. */
  public PaybridgeConfig withHttpPort(int port) {
    String url =
        publicUrl.equals("http://localhost:" + httpPort) ? "http://localhost:" + port : publicUrl;
    return new PaybridgeConfig(
        httpHost,
        port,
        url,
        dataDir,
        dbUrl,
        dbPoolSize,
        masterKey,
        tokenTtl,
        passwordHashIterations,
        hashThreads,
        throttles,
        maxWebhookBytes,
        maxBatch,
        maxInFlightBatches,
        parallelBatchAt,
        httpInstances,
        gatewaySettings,
        allowPrivateTargets,
        maxSyncTargets,
        maxApiClients,
        nodeName,
        syncTimeout,
        retryBase,
        renewalScanInterval,
        receiptRetention,
        cobot,
        mode,
        masterKeyFile,
        tokenKeyRotation,
        consoleSessionLifetime,
        payerContactRetention,
        metricsPort,
        trustedProxies,
        dbRoles,
        partnerApi,
        ingestShares);
  }

  private static ThrottleSettings throttles(Function<String, String> get) {
    ThrottleSettings d = ThrottleSettings.DEFAULTS;
    return new ThrottleSettings(
        limit(get, "PAYBRIDGE_THROTTLE_LOGIN_PAIR", d.loginPair()),
        limit(get, "PAYBRIDGE_THROTTLE_LOGIN_EMAIL", d.loginEmail()),
        limit(get, "PAYBRIDGE_THROTTLE_LOGIN_ADDRESS", d.loginAddress()),
        limit(get, "PAYBRIDGE_THROTTLE_SIGNUP_ADDRESS", d.signUpAddress()),
        limit(get, "PAYBRIDGE_THROTTLE_TOKEN_ADDRESS", d.tokenAddress()));
  }

  private static ThrottleSettings.Limit limit(
      Function<String, String> get, String name, ThrottleSettings.Limit defaultValue) {
    String v = get.apply(name);
    return v == null ? defaultValue : ThrottleSettings.Limit.parse(name, v);
  }

  private static String defaultNodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "node";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private static String orDefault(String v, String d) {
    return v != null ? v : d;
  }

  private static boolean boolSetting(
      Function<String, String> get, String name, boolean defaultValue) {
    String v = get.apply(name);
    if (v == null) {
      return defaultValue;
    }
    return switch (v.toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(name + " must be true or false, was '" + v + "'");
    };
  }

  private static int intSetting(Function<String, String> get, String name, int defaultValue) {
    String v = get.apply(name);
    if (v == null) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, was '" + v + "'");
    }
  }

  @Override
  public String toString() {
    return "PaybridgeConfig[mode="
        + mode.setting()
        + ", httpHost="
        + httpHost
        + ", httpPort="
        + httpPort
        + ", publicUrl="
        + publicUrl
        + ", dataDir="
        + dataDir
        + ", db="
        + (dbUrl == null ? "embedded" : "external")
        + ", dbPoolSize="
        + dbPoolSize
        + ", masterKey="
        + (masterKey != null ? "configured" : masterKeyFile != null ? "file" : "generated")
        + ", maxBatch="
        + maxBatch
        + ", maxInFlightBatches="
        + maxInFlightBatches
        + ", parallelBatchAt="
        + parallelBatchAt
        + ", httpInstances="
        + httpInstances
        + ", hashThreads="
        + hashThreads
        + ", throttles="
        + throttles
        + ", allowPrivateTargets="
        + allowPrivateTargets
        + ", maxSyncTargets="
        + maxSyncTargets
        + ", maxApiClients="
        + maxApiClients
        + ", trustedProxies="
        + trustedProxies
        + ", dbRoles="
        + dbRoles
        + ", partnerApi="
        + partnerApi
        + ", ingestShares="
        + ingestShares
        + "]";
  }
}
