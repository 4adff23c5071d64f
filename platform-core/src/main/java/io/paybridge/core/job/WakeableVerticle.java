package io.paybridge.core.job;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;

/**
 * A verticle that looks for durable work when the event bus says some was committed (on any node of
 * the cluster), now and then besides (work committed while this node was down or cut off), and once
 * as soon as it is deployed. Deployed means the wake-up listener is registered. {@link #wake} is
 * only ever called on the verticle's own context.
 */
public abstract class WakeableVerticle extends VerticleBase {

  private final String address;
  private final Duration pollInterval;
  private MessageConsumer<Object> wakeups;
  private long timerId = -1;
  private boolean stopped;

  protected WakeableVerticle(String address, Duration pollInterval) {
    this.address = address;
    this.pollInterval = pollInterval;
  }

  /** Looks for work; does nothing once stopped. */
  protected abstract void wake();

  /** Whether the verticle is being undeployed: take no new work. */
  protected final boolean stopped() {
    return stopped;
  }

  @Override
  public final Future<?> start() {
    wakeups = vertx.eventBus().consumer(address, msg -> wake());
    timerId = vertx.setPeriodic(pollInterval.toMillis(), id -> wake());
    return wakeups.completion().onSuccess(v -> wake());
  }

  /** Stops looking for work; work under way finishes on its own. */
  @Override
  public final Future<?> stop() {
    stopped = true;
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return wakeups == null ? Future.succeededFuture() : wakeups.unregister();
  }
}
