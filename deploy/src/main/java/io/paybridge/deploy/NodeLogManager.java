package io.paybridge.deploy;

import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that it keeps logging while the node shuts down: the JDK resets
 * every handler from a shutdown hook of its own, which runs beside the node's and would swallow
 * what the node says while it drains. {@link Main} installs it before the first logger exists and
 * resets it once the node has stopped.
 */
public final class NodeLogManager extends LogManager {

  private volatile boolean stopping;

  /** Called once the JVM shuts down; until {@link #resetAtLast()} the handlers stay. */
  @Override
  public void reset() {
    if (!stopping && !shuttingDown()) {
      super.reset();
    }
  }

  /** The node is stopping: handlers stay until {@link #resetAtLast()}. */
  void stopping() {
    stopping = true;
  }

  /** Flushes and closes the handlers after the node's last line. */
  void resetAtLast() {
    super.reset();
  }

  private static boolean shuttingDown() {
    try {
      Thread probe = new Thread(() -> {});
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }
}
