package io.paybridge.core.cobot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Where a space's API and pages are, for Cobot itself and for a simulator with a path. */
class CobotSettingsTest {

  @Test
  void cobotsOwnSpacesAreSubdomains() {
    CobotSettings cobot = CobotSettings.DEFAULTS;
    assertThat(cobot.spaceApi("co-up")).isEqualTo("https://co-up.cobot.me/api");
    assertThat(cobot.spaceOrigin("co-up")).isEqualTo("https://co-up.cobot.me");
    assertThat(cobot.anySpaceOrigin()).isEqualTo("https://*.cobot.me");
    assertThat(cobot.stripeJsOrigin()).isEqualTo("https://js.stripe.com");
  }

  @Test
  void aSpaceUrlMayCarryAPath() {
    CobotSettings sim =
        new CobotSettings(
            "http://127.0.0.1:9000/", "http://127.0.0.1:9000/spaces/{subdomain}/", "x:/");
    assertThat(sim.cobotUrl()).isEqualTo("http://127.0.0.1:9000");
    assertThat(sim.spaceApi("co-up")).isEqualTo("http://127.0.0.1:9000/spaces/co-up/api");
    assertThat(sim.spaceOrigin("co-up")).isEqualTo("http://127.0.0.1:9000");
    assertThat(sim.anySpaceOrigin()).isEqualTo("http://127.0.0.1:9000");
  }

  @Test
  void onlyCobotSubdomainsNameASpace() {
    for (String bad : new String[] {"Co-Up", "co.up", "-co", "co-", "a/b", "", "x".repeat(64)}) {
      assertThatThrownBy(() -> CobotSettings.DEFAULTS.spaceApi(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new CobotSettings("https://www.cobot.me", "https://cobot.me", "x:/"))
        .hasMessageContaining("{subdomain}");
  }
}
