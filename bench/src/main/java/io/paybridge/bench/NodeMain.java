package io.paybridge.bench;

import io.paybridge.deploy.Main;
import java.io.IOException;
import java.io.InputStream;

/**
 * The node JVM's entry point: the production {@link Main}, plus a watchdog on standard input. The
 * benchmark holds the write end of that pipe; when the benchmark closes it, or dies in any way
 * (even {@code kill -9}), the read returns end-of-stream and the node exits through its normal
 * shutdown hook. So a node never outlives the benchmark that started it.
 */
public final class NodeMain {

  private NodeMain() {}

  public static void main(String[] args) {
    Thread watchdog = new Thread(NodeMain::exitWhenParentLetsGo, "bench-parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    Main.main(args);
  }

  private static void exitWhenParentLetsGo() {
    InputStream in = System.in;
    try {
      while (in.read() != -1) {
        // The benchmark never writes; anything read is ignored.
      }
    } catch (IOException e) {
      // A broken pipe means the same as end-of-stream.
    }
    System.exit(0);
  }
}
