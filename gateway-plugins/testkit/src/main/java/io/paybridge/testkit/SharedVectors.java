package io.paybridge.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * Finds the gateways' real signed samples in {@code shared/vectors}, which live beside the
 * repository (the repository is cloned as {@code <x>/main} or {@code <x>/p} with {@code <x>/shared}
 * next to it) and are never copied into it. The system property or environment variable {@code
 * PAYBRIDGE_VECTORS} names the folder explicitly. Tests that need the samples are skipped when they
 * are absent.
 */
public final class SharedVectors {

  private static final String PROPERTY = "PAYBRIDGE_VECTORS";

  private SharedVectors() {}

  /** One gateway's folder of samples, e.g. {@code apple}; skips the calling test when absent. */
  public static Path dir(String gateway) {
    Path root = locate();
    Path dir = root == null ? null : root.resolve(gateway);
    assumeTrue(
        dir != null && Files.isDirectory(dir),
        "shared/vectors/"
            + gateway
            + " not found beside the repository (set PAYBRIDGE_VECTORS to the vectors folder):"
            + " skipping the tests on the gateway's real signed samples");
    return dir;
  }

  /** The bytes of one sample file. */
  public static byte[] bytes(String gateway, String name) {
    try {
      return Files.readAllBytes(dir(gateway).resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One sample file that is a DER certificate. */
  public static X509Certificate certificate(String gateway, String name) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(bytes(gateway, name)));
    } catch (CertificateException e) {
      throw new AssertionError("vector " + gateway + "/" + name + " is not a certificate", e);
    }
  }

  private static Path locate() {
    String configured = System.getProperty(PROPERTY, System.getenv(PROPERTY));
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("vectors");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
