package io.paybridge.gateway.paypal;

import io.paybridge.spi.GatewayHttp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * PayPal's webhook signing certificates: fetched from the delivery's (already vetted) certificate
 * URL through {@link GatewayHttp}, parsed, cached per URL, and judged.
 *
 * <p>The cache holds at most {@code maxEntries} URLs, least recently used out first, each for
 * {@code timeToLive}; concurrent deliveries naming the same URL share one fetch, and a failed fetch
 * is remembered for {@link #FAILURE_TIME_TO_LIVE}, so a flood of forged deliveries naming a URL
 * that fails costs one fetch, not one each; PayPal's own retries of a delivery come minutes later,
 * after the failure is forgotten.
 *
 * <p>A bundle is judged against the delivery's transmission time, not the current time, because
 * PayPal retries a delivery for days with the signature (and time) of its first transmission: the
 * leaf (the bundle's first certificate) must carry exactly the common name of the account's
 * environment and be valid at that time, with an RSA key of at least 2048 bits; and the bundle must
 * chain to a trust anchor, again as of that time. Revocation is not checked: that would take
 * blocking CRL or OCSP fetches on the event loop.
 */
final class PayPalCertificates {

  /** How many certificate URLs are kept. PayPal uses a handful at a time. */
  static final int DEFAULT_MAX_ENTRIES = 64;

  /** How long a fetched bundle is trusted to be what the URL serves. */
  static final Duration DEFAULT_TIME_TO_LIVE = Duration.ofHours(12);

  /** How long a failed fetch answers for its URL before the URL is fetched again. */
  static final Duration FAILURE_TIME_TO_LIVE = Duration.ofSeconds(30);

  /** Bundles larger than this are not certificate bundles. */
  static final int MAX_BUNDLE_BYTES = 64 * 1024;

  private static final int MIN_RSA_BITS = 2048;

  private final GatewayHttp http;
  private final String fetchBase;
  private final long timeoutMs;
  private final Clock clock;
  private final Duration timeToLive;
  private final Map<String, Entry> cache;

  private record Entry(Future<List<X509Certificate>> bundle, Instant expiresAt) {}

  /**
   * @param fetchBase where allowed URLs are fetched from instead (tests only), or {@code null}
   */
  PayPalCertificates(
      GatewayHttp http,
      String fetchBase,
      long timeoutMs,
      Clock clock,
      int maxEntries,
      Duration timeToLive) {
    this.http = http;
    this.fetchBase = fetchBase;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
    this.timeToLive = timeToLive;
    this.cache =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /**
   * The certificates served at an allowed URL, leaf first, from the cache or freshly fetched.
   *
   * @param certUrl a URL that passed {@link PayPalCertUrl#check}
   */
  Future<List<X509Certificate>> bundle(URI certUrl) {
    String key = certUrl.toASCIIString();
    Instant now = clock.instant();
    Entry entry;
    synchronized (cache) {
      entry = cache.get(key);
      if (entry != null && now.isBefore(entry.expiresAt())) {
        return entry.bundle();
      }
      entry = new Entry(fetch(certUrl), now.plus(timeToLive));
      cache.put(key, entry);
    }
    Entry fetching = entry;
    return fetching
        .bundle()
        .onFailure(
            err -> {
              synchronized (cache) {
                cache.replace(
                    key,
                    fetching,
                    new Entry(fetching.bundle(), clock.instant().plus(FAILURE_TIME_TO_LIVE)));
              }
            });
  }

  /** How many URLs the cache holds now. */
  int size() {
    synchronized (cache) {
      return cache.size();
    }
  }

  private Future<List<X509Certificate>> fetch(URI certUrl) {
    String url = PayPalCertUrl.fetchUrl(certUrl, fetchBase);
    return http.get("certificate fetch", url, "application/x-pem-file, */*", timeoutMs)
        .compose(
            response -> {
              try {
                return Future.succeededFuture(parse(response.body()));
              } catch (CertificateException e) {
                return Future.failedFuture(e);
              }
            });
  }

  /** The X.509 certificates of a PEM (or DER) bundle, in order. */
  static List<X509Certificate> parse(Buffer body) throws CertificateException {
    if (body.length() == 0) {
      throw new CertificateException("the certificate URL served nothing");
    }
    if (body.length() > MAX_BUNDLE_BYTES) {
      throw new CertificateException("the certificate URL served more than 64 KiB");
    }
    Collection<? extends Certificate> certificates;
    try {
      certificates =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(body.getBytes()));
    } catch (CertificateException e) {
      throw new CertificateException("the certificate URL served no X.509 certificate");
    }
    List<X509Certificate> out = new ArrayList<>();
    for (Certificate certificate : certificates) {
      if (certificate instanceof X509Certificate x509) {
        out.add(x509);
      }
    }
    if (out.isEmpty()) {
      throw new CertificateException("the certificate URL served no X.509 certificate");
    }
    return List.copyOf(out);
  }

  /**
   * Checks the leaf on its own: name, validity at {@code at}, key.
   *
   * @return {@code null} when the leaf is acceptable, else why not
   */
  static String checkLeaf(X509Certificate leaf, String expectedName, Instant at) {
    List<String> names = commonNames(leaf);
    if (names.size() != 1 || !names.get(0).equalsIgnoreCase(expectedName)) {
      return "the signing certificate is for "
          + (names.isEmpty() ? "no common name" : String.join(", ", names))
          + ", not "
          + expectedName;
    }
    try {
      leaf.checkValidity(Date.from(at));
    } catch (CertificateExpiredException e) {
      return "the signing certificate had expired at the transmission time " + at;
    } catch (CertificateNotYetValidException e) {
      return "the signing certificate was not yet valid at the transmission time " + at;
    }
    if (!(leaf.getPublicKey() instanceof RSAPublicKey rsa)) {
      return "the signing certificate's key is not an RSA key";
    }
    if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
      return "the signing certificate's RSA key is shorter than " + MIN_RSA_BITS + " bits";
    }
    boolean[] keyUsage = leaf.getKeyUsage();
    if (keyUsage != null && !keyUsage[0]) {
      return "the signing certificate may not be used for digital signatures";
    }
    return null;
  }

  /**
   * Checks that the bundle's leaf chains, through the bundle's other certificates and the
   * configured {@code intermediates}, to one of the anchors, with every certificate on the path
   * valid at {@code at}. A leaf that is itself an anchor (pinned) is trusted as such.
   *
   * @return {@code null} when it does, else why not
   */
  static String checkChain(
      List<X509Certificate> bundle,
      Collection<X509Certificate> intermediates,
      Set<TrustAnchor> anchors,
      Instant at) {
    X509Certificate leaf = bundle.get(0);
    for (TrustAnchor anchor : anchors) {
      if (leaf.equals(anchor.getTrustedCert())) {
        return null;
      }
    }
    if (anchors.isEmpty()) {
      return "no trust anchors are configured";
    }
    try {
      X509CertSelector target = new X509CertSelector();
      target.setCertificate(leaf);
      PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(at));
      List<X509Certificate> candidates = new ArrayList<>(bundle);
      candidates.addAll(intermediates);
      parameters.addCertStore(
          CertStore.getInstance("Collection", new CollectionCertStoreParameters(candidates)));
      CertPathBuilder.getInstance("PKIX").build(parameters);
      return null;
    } catch (CertPathBuilderException e) {
      return "the signing certificate does not chain to a trusted root as of " + at;
    } catch (GeneralSecurityException e) {
      return "the signing certificate's chain could not be checked: "
          + e.getClass().getSimpleName();
    }
  }

  /** The subject's common names, in order. */
  static List<String> commonNames(X509Certificate certificate) {
    List<String> names = new ArrayList<>();
    try {
      LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
      for (Rdn rdn : subject.getRdns()) {
        if ("CN".equals(rdn.getType().toUpperCase(Locale.ROOT))
            && rdn.getValue() instanceof String value) {
          names.add(value);
        }
      }
    } catch (InvalidNameException e) {
      return List.of();
    }
    return names;
  }
}
