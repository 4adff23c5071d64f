package io.paybridge.gateway.appstore;

import java.nio.file.Path;

/** Apple's real signed samples in {@code shared/vectors/apple}, through the SPI's test kit. */
final class SharedVectors {

  private static final String APPLE = "apple";

  private SharedVectors() {}

  /** The {@code apple/} folder of the vectors; skips the calling test when it cannot be found. */
  static Path appleDir() {
    return io.paybridge.spi.testkit.SharedVectors.dir(APPLE);
  }

  /** The bytes of one Apple sample file. */
  static byte[] apple(String name) {
    return io.paybridge.spi.testkit.SharedVectors.bytes(APPLE, name);
  }
}
