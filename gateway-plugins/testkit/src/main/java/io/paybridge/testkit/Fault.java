package io.paybridge.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * Trouble a {@link GatewaySimulator} plays instead of, or on top of, its normal answer: an error
 * status, a scripted answer, added latency, no answer at all, or a dropped connection.
 */
public sealed interface Fault {

  /**
   * Answers with this status and the gateway's own error body for it, without running the route.
   */
  record Status(int status) implements Fault {}

  /** Answers exactly this, without running the route. */
  record Scripted(Answer answer) implements Fault {
    public Scripted {
      Objects.requireNonNull(answer, "answer");
    }
  }

  /** Runs the route, then holds its answer back this long (an answer lost to a client timeout). */
  record Latency(Duration delay) implements Fault {
    public Latency {
      if (delay.isNegative()) {
        throw new IllegalArgumentException("a delay cannot be negative");
      }
    }
  }

  /** Never answers: the client waits until its own timeout. */
  record NoAnswer() implements Fault {}

  /** Closes the connection without an answer. */
  record DroppedConnection() implements Fault {}

  /** An error status with the gateway's own error body. */
  static Fault status(int status) {
    return new Status(status);
  }

  /** Exactly this status and body, with the gateway's usual headers. */
  static Fault answer(int status, String body) {
    return new Scripted(Answer.raw(status, body));
  }

  /** The normal answer, held back this long. */
  static Fault latency(Duration delay) {
    return new Latency(delay);
  }

  /** No answer. */
  static Fault noAnswer() {
    return new NoAnswer();
  }

  /** The connection closed without an answer. */
  static Fault droppedConnection() {
    return new DroppedConnection();
  }
}
