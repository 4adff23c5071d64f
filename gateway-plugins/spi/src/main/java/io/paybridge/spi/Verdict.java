package io.paybridge.spi;

/**
 * The outcome of {@link GatewayPlugin#verify}: authentic, or rejected with a reason that goes to
 * the log (never to the caller, who could use it to probe the scheme).
 *
 * @param authentic whether the delivery is authentic
 * @param reason why not, or {@code "authentic"}
 */
public record Verdict(boolean authentic, String reason) {

  private static final Verdict AUTHENTIC = new Verdict(true, "authentic");

  public static Verdict ok() {
    return AUTHENTIC;
  }

  public static Verdict rejected(String reason) {
    return new Verdict(false, reason);
  }
}
