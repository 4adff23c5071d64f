package io.paybridge.core.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.usecase.InvalidInput;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A URL's host written as an address is judged when the target is created, whatever form it is
 * written in; no lookup is made for it ({@link TargetUrls#check} needs no resolver at all).
 */
@Tag("security")
class TargetUrlsTest {

  private final TargetUrls strict = new TargetUrls(null, false);
  private final TargetUrls allowingPrivate = new TargetUrls(null, true);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://127.0.0.1/",
        "http://127.0.0.1.:8080/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://100.100.100.200/",
        "http://100.64.0.1/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://0177.0.0.1/",
        "http://017700000001/",
        "http://127.000.000.001/",
        "http://localhost/",
        "http://hooks.localhost/",
        "http://metadata.google.internal/",
        "http://example.1/",
        "ftp://example.com/",
        "http://user@example.com/",
        "http:///nohost",
      })
  void refusedWhenCreatedNamingTheUrl(String url) {
    assertThatThrownBy(() -> strict.check(url))
        .isInstanceOfSatisfying(InvalidInput.class, e -> assertThat(e.field()).isEqualTo("url"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/",
        "http://[::ffff:169.254.169.254]/",
        "http://100.100.100.200/",
        "http://[fe80::1]/",
        "http://0x7f.1/",
        "http://224.0.0.1/",
        "http://metadata.google.internal/",
      })
  void metadataLinkLocalAndOddFormsAreRefusedEvenWithPrivateTargetsAllowed(String url) {
    assertThatThrownBy(() -> allowingPrivate.check(url)).isInstanceOf(InvalidInput.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://example.com/hooks?a=1",
        "https://93.184.216.34/",
        "http://[2606:4700:4700::1111]:8443/x",
        "https://hooks.example.com./in",
        "https://1password.example/",
      })
  void publicAddressesAndNamesAreAccepted(String url) {
    assertThat(strict.check(url).toString()).isEqualTo(url);
  }

  @Test
  void privateAddressesAreAcceptedOnlyWhenAllowed() {
    assertThat(allowingPrivate.check("http://127.0.0.1:8080/hook")).isNotNull();
    assertThat(allowingPrivate.check("http://[::ffff:10.0.0.1]/")).isNotNull();
    assertThat(allowingPrivate.check("http://localhost:9000/")).isNotNull();
    assertThatThrownBy(() -> strict.check("http://127.0.0.1:8080/hook"))
        .hasMessageContaining("loopback");
    assertThatThrownBy(() -> strict.check("http://100.100.100.200/"))
        .hasMessageContaining("metadata");
    assertThatThrownBy(() -> strict.check("http://2130706433/"))
        .hasMessageContaining("four decimal numbers");
  }
}
