package io.paybridge.core.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A tenant alone may fill the queue; once others wait, each holds at most its share. */
class TenantSharesTest {

  private final UUID flood = UUID.randomUUID();
  private final UUID quiet = UUID.randomUUID();
  private final UUID third = UUID.randomUUID();

  @Test
  void aTenantAloneFillsTheQueueAndThenShrinksToItsShareWhenOthersArrive() {
    TenantShares shares = new TenantShares(8, 2);
    for (int i = 0; i < 8; i++) {
      assertThat(shares.admit(flood)).as("webhook %s", i).isTrue();
    }
    assertThat(shares.admit(flood)).isFalse();

    // another tenant arrives: it is admitted, and the flood's share is halved
    assertThat(shares.admit(quiet)).isTrue();
    assertThat(shares.shareOf(flood)).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      shares.left(flood);
    }
    assertThat(shares.admit(flood)).as("4 waiting, share 4").isFalse();
    shares.left(flood);
    assertThat(shares.admit(flood)).as("3 waiting, share 4").isTrue();

    // a third arrives: shares of 8 / 3, never below the minimum
    assertThat(shares.shareOf(third)).isEqualTo(2);
    assertThat(shares.admit(third)).isTrue();
    assertThat(shares.admit(third)).isTrue();
    assertThat(shares.admit(third)).isFalse();
  }

  @Test
  void deliveriesRunAgainAreCountedButNeverRefusedAndEveryTenantKeepsItsMinimum() {
    TenantShares shares = new TenantShares(4, 3);
    for (int i = 0; i < 10; i++) {
      shares.add(flood);
    }
    assertThat(shares.waiting(flood)).isEqualTo(10);
    assertThat(shares.admit(flood)).isFalse();
    for (int i = 0; i < 3; i++) {
      assertThat(shares.admit(quiet)).isTrue();
    }
    assertThat(shares.admit(quiet)).isFalse();
    for (int i = 0; i < 10; i++) {
      shares.left(flood);
    }
    assertThat(shares.waiting(flood)).isZero();
    shares.left(flood);
    assertThat(shares.waiting(flood)).isZero();
  }
}
