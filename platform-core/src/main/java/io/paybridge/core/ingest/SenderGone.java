package io.paybridge.core.ingest;

/**
 * A webhook left out of the group-commit queue because its sender hung up while it waited: nothing
 * was recorded or acknowledged, and the gateway delivers it again (as after a timeout on its side).
 */
public final class SenderGone extends RuntimeException {

  static final SenderGone INSTANCE = new SenderGone();

  private SenderGone() {
    super("the sender hung up before the webhook was recorded", null, false, false);
  }
}
