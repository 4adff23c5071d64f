package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.function.Function;

/**
 * The shapes every answer of the API shares: times, and the 404 of something the tenant does not
 * have (lists: {@link Lists}).
 */
final class ApiJson {

  private ApiJson() {}

  /**
   * For {@code compose}: a use case's answer, or a 404 with the message when it found nothing (it
   * answers {@code null} for what does not exist and for what is another tenant's).
   */
  static <T> Function<T, Future<T>> found(String notFound) {
    return answer ->
        answer == null
            ? Future.failedFuture(ApiError.notFound(notFound))
            : Future.succeededFuture(answer);
  }

  /** A time as ISO-8601 in UTC, or {@code null}. */
  static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
