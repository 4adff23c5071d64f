package io.paybridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.core.sync.AddressRule.Kind;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The allow rule over every range it names, at the edges of each, in IPv4 and IPv6, including the
 * IPv6 forms that carry an IPv4 address.
 */
@Tag("security")
class AddressRuleTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "0.255.255.255",
        "169.254.0.1",
        "169.254.169.254",
        "169.254.255.255",
        "100.100.100.200",
        "168.63.129.16",
        "192.0.0.8",
        "192.0.2.1",
        "198.51.100.7",
        "203.0.113.255",
        "198.18.0.0",
        "198.19.255.255",
        "192.88.99.1",
        "224.0.0.1",
        "239.255.255.250",
        "240.0.0.1",
        "255.255.255.255",
        // IPv6
        "::",
        "fe80::1",
        "febf:ffff::1",
        "ff02::1",
        "ff05::1:3",
        "fd00:ec2::254",
        "2001:db8::1",
        "3fff::1",
        "2001::1",
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",
        "2001:1ff::1",
        "100::1",
        "64:ff9b:1::1",
        "4000::1",
        // IPv6 forms of refused IPv4 addresses
        "::ffff:169.254.169.254",
        "::ffff:0:169.254.169.254",
        "::169.254.169.254",
        "64:ff9b::169.254.169.254",
        "64:ff9b::a9fe:a9fe",
        "2002:a9fe:a9fe::1",
        "::ffff:0.0.0.0",
        "::ffff:224.0.0.1",
        "64:ff9b::198.18.0.1",
      })
  void neverReached(String address) {
    assertThat(AddressRule.judge(v(address)).kind()).isEqualTo(Kind.NEVER);
    assertThat(AddressRule.refusal(v(address), true)).isNotNull();
    assertThat(AddressRule.refusal(v(address), false)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.0",
        "10.255.255.255",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "192.168.255.255",
        "100.64.0.0",
        "100.100.100.100",
        "100.127.255.255",
        // IPv6
        "::1",
        "fc00::1",
        "fd12:3456::1",
        "fec0::1",
        // IPv6 forms of private IPv4 addresses
        "::ffff:127.0.0.1",
        "::ffff:0:10.0.0.1",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b::100.64.0.1",
        "2002:7f00:1::",
        "2002:c0a8:101::1",
        "2002:6464:6464::1",
      })
  void privateOnlyWhenAllowed(String address) {
    assertThat(AddressRule.judge(v(address)).kind()).isEqualTo(Kind.PRIVATE);
    assertThat(AddressRule.refusal(v(address), false))
        .endsWith("(private targets are not allowed here)");
    assertThat(AddressRule.refusal(v(address), true)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.1.1.1",
        "8.8.8.8",
        "93.184.216.34",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        // IPv6
        "2606:4700:4700::1111",
        "2a00:1450:4001:82a::200e",
        "2001:200::1",
        "2001:db9::1",
        "3ffe::1",
        // IPv6 forms of public IPv4 addresses
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
      })
  void publicAlways(String address) {
    assertThat(AddressRule.judge(v(address)).kind()).isEqualTo(Kind.PUBLIC);
    assertThat(AddressRule.refusal(v(address), false)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"::ffff:127.0.0.1", "::ffff:169.254.169.254"})
  void anIpv4MappedAddressIsJudgedAsItsIpv4AddressHoweverItIsHeld(String address) {
    // Java turns a mapped literal into an Inet4Address; a resolver may hand over the 16 bytes
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    System.arraycopy(v(address).getAddress(), 0, mapped, 12, 4);
    InetAddress sixteen;
    try {
      sixteen = Inet6Address.getByAddress(null, mapped, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
    assertThat(sixteen.getAddress()).hasSize(16);
    assertThat(AddressRule.judge(sixteen)).isEqualTo(AddressRule.judge(v(address)));
  }

  private static InetAddress v(String literal) {
    try {
      return InetAddress.getByName(literal.contains(":") ? "[" + literal + "]" : literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
