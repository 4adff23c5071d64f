package io.paybridge.gateway.appstore;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the real signed samples in {@code shared/vectors}, which live beside the repository (the
 * repository is cloned as {@code <x>/main} or {@code <x>/p} with {@code <x>/shared} next to it) and
 * are never copied into it. The system property or environment variable {@code PAYBRIDGE_VECTORS}
 * names the folder explicitly. Tests that need the samples are skipped when they are absent.
 */
final class SharedVectors {

  private static final String PROPERTY = "PAYBRIDGE_VECTORS";

  private SharedVectors() {}

  /** The {@code apple/} folder of the vectors; skips the calling test when it cannot be found. */
  static Path appleDir() {
    Path root = locate();
    Path apple = root == null ? null : root.resolve("apple");
    assumeTrue(
        apple != null && Files.isDirectory(apple),
        "shared/vectors/apple not found beside the repository (set PAYBRIDGE_VECTORS to the"
            + " vectors folder): skipping the tests on Apple's real signed samples");
    return apple;
  }

  /** The bytes of one Apple sample file. */
  static byte[] apple(String name) {
    try {
      return Files.readAllBytes(appleDir().resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
