package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sender address lists: single addresses and CIDR ranges, IPv4 and IPv6, literals only. */
class IpAllowListTest {

  @Test
  void singleIpv4AddressesMatchExactly() {
    IpAllowList list = IpAllowList.parse("91.227.144.54");
    assertThat(list.allows("91.227.144.54")).isTrue();
    assertThat(list.allows("91.227.144.55")).isFalse();
    assertThat(list.allows("::ffff:91.227.144.54")).as("IPv4-mapped").isTrue();
    assertThat(list.allows("[::ffff:5be3:9036]")).as("IPv4-mapped in hex").isTrue();
  }

  @Test
  void ipv4RangesMatchTheirPrefix() {
    IpAllowList list = IpAllowList.parse(" 185.71.65.0/24 , 10.0.0.0/8,149.202.17.210/32");
    assertThat(list.allows("185.71.65.92")).isTrue();
    assertThat(list.allows("185.71.66.1")).isFalse();
    assertThat(list.allows("10.255.0.1")).isTrue();
    assertThat(list.allows("11.0.0.1")).isFalse();
    assertThat(list.allows("149.202.17.210")).isTrue();
    assertThat(list.allows("149.202.17.211")).isFalse();
    assertThat(IpAllowList.parse("0.0.0.0/0").allows("203.0.113.9")).isTrue();
    assertThat(IpAllowList.parse("0.0.0.0/0").allows("2001:db8::1")).isFalse();
    assertThat(IpAllowList.parse("192.168.1.128/25").allows("192.168.1.127")).isFalse();
    assertThat(IpAllowList.parse("192.168.1.128/25").allows("192.168.1.255")).isTrue();
  }

  @Test
  void ipv6AddressesAndRangesMatchInAnySpelling() {
    IpAllowList single = IpAllowList.parse("2001:DB8::1");
    assertThat(single.allows("2001:db8:0:0:0:0:0:1")).isTrue();
    assertThat(single.allows("[2001:db8::1]")).isTrue();
    assertThat(single.allows("2001:db8::1%eth0")).isTrue();
    assertThat(single.allows("2001:db8::2")).isFalse();

    IpAllowList range = IpAllowList.parse("2001:db8:abcd::/48, ::1");
    assertThat(range.allows("2001:db8:abcd:ffff::17")).isTrue();
    assertThat(range.allows("2001:db8:abce::1")).isFalse();
    assertThat(range.allows("0:0:0:0:0:0:0:1")).isTrue();
    assertThat(IpAllowList.parse("2001:db8::/31").allows("2001:db9::1")).isTrue();
    assertThat(IpAllowList.parse("2001:db8::/32").allows("2001:db9::1")).isFalse();
    assertThat(IpAllowList.parse("::ffff:10.0.0.0/104").allows("10.1.2.3")).isTrue();
    assertThat(IpAllowList.parse("1:2:3:4:5:6:1.2.3.4").allows("1:2:3:4:5:6:102:304")).isTrue();
  }

  @Test
  void missingOrNonLiteralRemoteAddressesAreNeverAllowed() {
    IpAllowList list = IpAllowList.parse("0.0.0.0/0, ::/0");
    for (String remote :
        List.of(
            "", " ", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256")) {
      assertThat(list.allows(remote)).as(remote).isFalse();
    }
    assertThat(list.allows(null)).isFalse();
  }

  @Test
  void entriesThatAreNotAddressesOrRangesAreRefused() {
    for (String bad :
        List.of(
            "",
            " , ",
            "pay.example.com",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/x",
            "10.1.0.0/8",
            "2001:db8::/129",
            "2001:db8::1/64",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "12345::",
            "::ffff:10.0.0.0/8",
            "256.1.1.1")) {
      assertThatThrownBy(() -> IpAllowList.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ---- as an account's allowedIps

  private static WebhookRequest from(String remoteAddress) {
    return new WebhookRequest(
        "POST",
        "/hooks/k/payeer",
        io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
        io.vertx.core.MultiMap.caseInsensitiveMultiMap(),
        io.vertx.core.buffer.Buffer.buffer(),
        remoteAddress,
        java.time.Instant.EPOCH);
  }

  @Test
  void anAccountWithoutAListTakesEverySender() {
    assertThat(IpAllowList.check(from("203.0.113.9"), Credentials.of(), "allowedIps").authentic())
        .isTrue();
  }

  @Test
  void anAccountWithAListTakesOnlyItsSendersAndSaysWhoElseCame() {
    Credentials account = Credentials.of("allowedIps", "185.71.65.0/24, 149.202.17.210");

    assertThat(IpAllowList.check(from("185.71.65.92"), account, "allowedIps").authentic()).isTrue();
    Verdict other = IpAllowList.check(from("203.0.113.9"), account, "allowedIps");
    assertThat(other.authentic()).isFalse();
    assertThat(other.reason()).isEqualTo("remote address 203.0.113.9 is not in allowedIps");
    assertThat(IpAllowList.check(from(null), account, "allowedIps").authentic()).isFalse();
  }

  @Test
  void aStoredListThatDoesNotParseRefusesEverySender() {
    Verdict verdict =
        IpAllowList.check(from("10.0.0.1"), Credentials.of("ips", "10.0.0.0/33"), "ips");
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("credential 'ips' is unusable: '10.0.0.0/33'");
  }

  @Test
  void aListIsCheckedWhenTheTenantSavesItNamingTheField() {
    IpAllowList.validateCredential(Credentials.of(), "allowedIps");
    IpAllowList.validateCredential(Credentials.of("allowedIps", "10.0.0.0/8"), "allowedIps");
    assertThatThrownBy(
            () ->
                IpAllowList.validateCredential(
                    Credentials.of("allowedIps", "10.0.0.1, pay.example.com"), "allowedIps"))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessageContaining("pay.example.com")
        .satisfies(
            e -> assertThat(((InvalidCredentialsException) e).field()).isEqualTo("allowedIps"));
  }

  @Test
  void theCredentialFieldIsOptionalText() {
    CredentialField field = IpAllowList.credentialField("allowedIps", "Payeer documents …");
    assertThat(field.name()).isEqualTo("allowedIps");
    assertThat(field.label()).isEqualTo("Allowed sender addresses");
    assertThat(field.required()).isFalse();
    assertThat(field.secret()).isFalse();
    assertThat(field.defaultValue()).isNull();
  }
}
