package io.paybridge.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class TenantQueueTest {

  private static final UUID FLOOD = UUID.fromString("00000000-0000-0000-0000-00000000000f");
  private static final UUID QUIET = UUID.fromString("00000000-0000-0000-0000-00000000000a");
  private static final UUID OTHER = UUID.fromString("00000000-0000-0000-0000-00000000000b");

  private static List<String> drain(TenantQueue<String> q) {
    List<String> out = new ArrayList<>();
    for (String s = q.poll(); s != null; s = q.poll()) {
      out.add(s);
    }
    return out;
  }

  @Test
  void aLateTenantIsTakenSecondNotAfterTheFlood() {
    // GIVEN a tenant with 5 webhooks waiting, then another tenant's one
    TenantQueue<String> q = new TenantQueue<>();
    for (int i = 1; i <= 5; i++) {
      q.add(FLOOD, "f" + i);
    }
    q.add(QUIET, "q1");

    // THEN the quiet tenant's is taken second, and each tenant's in the order they came
    assertThat(q.size()).isEqualTo(6);
    assertThat(drain(q)).containsExactly("f1", "q1", "f2", "f3", "f4", "f5");
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.poll()).isNull();
  }

  @Test
  void tenantsTakeTurnsOneEachAndALineThatEmptiesRejoinsAtTheBack() {
    TenantQueue<String> q = new TenantQueue<>();
    q.add(FLOOD, "f1");
    q.add(FLOOD, "f2");
    q.add(QUIET, "q1");
    q.add(OTHER, "o1");
    q.add(OTHER, "o2");
    assertThat(q.poll()).isEqualTo("f1");
    assertThat(q.poll()).isEqualTo("q1");
    // the quiet tenant's line is empty: a new webhook of its joins after those waiting their turn
    q.add(QUIET, "q2");
    assertThat(drain(q)).containsExactly("o1", "f2", "q2", "o2");
    assertThat(q.size()).isZero();
  }
}
