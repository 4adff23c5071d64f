package io.paybridge.testkit;

import java.util.function.Predicate;

/** Which requests a fault injected into a {@link GatewaySimulator} applies to. */
@FunctionalInterface
public interface RequestMatch extends Predicate<ApiCall> {

  /** Every request. */
  static RequestMatch any() {
    return call -> true;
  }

  /** Requests with this method and exactly this path. */
  static RequestMatch exactly(String method, String path) {
    return call -> call.is(method, path);
  }

  /** Requests with this method whose path starts with {@code pathPrefix}. */
  static RequestMatch under(String method, String pathPrefix) {
    return call -> call.method().equalsIgnoreCase(method) && call.path().startsWith(pathPrefix);
  }
}
