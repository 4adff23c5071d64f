package io.paybridge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Dockerfile} holds to the rules a Dockerfile linter (hadolint) checks and to what a
 * platform team asks of an image: pinned base images, no {@code ADD} (least of all of a URL), an
 * unprivileged user, a health check on {@code /health}, the three ports, production mode, an
 * exec-form entrypoint running the jar the build makes.
 */
class DockerfileTest {

  /** One instruction, its continuation lines joined. */
  record Instruction(String keyword, String args) {}

  private static List<Instruction> instructions() {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : DeployFiles.text("Dockerfile").split("\n")) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String joined = current.toString().strip();
      current.setLength(0);
      int space = joined.indexOf(' ');
      out.add(
          new Instruction(
              joined.substring(0, space).toUpperCase(java.util.Locale.ROOT),
              joined.substring(space + 1).strip()));
    }
    return out;
  }

  private static List<Instruction> finalStage() {
    List<Instruction> all = instructions();
    int from = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return all.subList(from, all.size());
  }

  @Test
  void baseImagesArePinnedToAVersionAndStagesReferToEachOther() {
    Map<String, String> args = new HashMap<>();
    List<String> stages = new ArrayList<>();
    for (Instruction i : instructions()) {
      if (i.keyword().equals("ARG") && i.args().contains("=")) {
        args.put(i.args().substring(0, i.args().indexOf('=')), i.args().split("=", 2)[1]);
      }
      if (i.keyword().equals("FROM")) {
        String[] parts = i.args().split("\\s+");
        Matcher ref = Pattern.compile("\\$\\{(\\w+)}").matcher(parts[0]);
        String image = ref.matches() ? args.get(ref.group(1)) : parts[0];
        assertThat(image).as("FROM %s", parts[0]).isNotNull();
        // DL3006/DL3007: an explicit tag, never latest; we ask for a patch version too
        assertThat(image)
            .as("base image %s", image)
            .matches("[a-z0-9./_-]+:[A-Za-z0-9._-]*\\d+\\.\\d+\\.\\d+[A-Za-z0-9._-]*")
            .doesNotContain(":latest");
        if (parts.length == 3) {
          assertThat(parts[1]).isEqualToIgnoringCase("AS");
          stages.add(parts[2]);
        }
      }
      if (i.keyword().equals("COPY") && i.args().contains("--from=")) {
        Matcher from = Pattern.compile("--from=(\\S+)").matcher(i.args());
        assertThat(from.find()).isTrue();
        assertThat(stages).as("DL3022: COPY --from names an earlier stage").contains(from.group(1));
      }
    }
  }

  @Test
  void nothingIsAddedAndNoCommandAsksForTrouble() {
    for (Instruction i : instructions()) {
      // DL3020: COPY for files; ADD of a URL or an archive fetches and unpacks unchecked content
      assertThat(i.keyword()).as("ADD: %s", i.args()).isNotEqualTo("ADD");
      assertThat(i.keyword()).as("DL4000: MAINTAINER is deprecated").isNotEqualTo("MAINTAINER");
      if (i.keyword().equals("RUN")) {
        assertThat(i.args())
            .as("DL3004 sudo, DL4001 curl|sh, DL3003 cd: %s", i.args())
            .doesNotContain("sudo ")
            .doesNotContainPattern("(curl|wget)[^|]*\\|\\s*(ba)?sh")
            .doesNotContainPattern("(^|&&\\s*)cd ");
        if (i.args().contains("apt-get install")) {
          assertThat(i.args()).as("DL3015").contains("--no-install-recommends");
        }
      }
      if (i.keyword().equals("WORKDIR")) {
        assertThat(i.args()).as("DL3000: WORKDIR is absolute").startsWith("/");
      }
    }
  }

  @Test
  void theImageRunsTheJarAsAnUnprivilegedUserInProductionMode() {
    List<Instruction> stage = finalStage();
    // DL3002: the last USER is not root, and comes before the entrypoint
    List<Instruction> users = stage.stream().filter(i -> i.keyword().equals("USER")).toList();
    assertThat(users).isNotEmpty();
    String user = users.get(users.size() - 1).args();
    assertThat(user.split(":")[0]).isNotIn("root", "0");
    assertThat(stage.indexOf(users.get(users.size() - 1))).isLessThan(indexOf(stage, "ENTRYPOINT"));

    Instruction entrypoint = stage.get(indexOf(stage, "ENTRYPOINT"));
    // DL3025: JSON (exec) form, so the JVM is PID 1's child no shell swallows signals for
    assertThat(entrypoint.args()).startsWith("[\"java\"").endsWith("]");
    String jar = "paybridge.jar";
    assertThat(DeployFiles.text("pom.xml")).contains("<finalName>paybridge</finalName>");
    assertThat(entrypoint.args()).contains("\"-jar\"").contains(jar);
    assertThat(stage)
        .anySatisfy(
            i -> {
              assertThat(i.keyword()).isEqualTo("COPY");
              assertThat(i.args()).contains("/deploy/target/" + jar);
            });
    // the build stage makes the jar as the README does
    assertThat(instructions())
        .anySatisfy(
            i -> {
              assertThat(i.keyword()).isEqualTo("RUN");
              assertThat(i.args()).contains("mvn").contains("-DskipTests package");
            });

    String env =
        String.join(
            " ",
            stage.stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::args).toList());
    assertThat(env)
        .contains("PAYBRIDGE_MODE=production")
        .contains("PAYBRIDGE_HTTP_HOST=0.0.0.0")
        .contains("PAYBRIDGE_HTTP_PORT=8080")
        .contains("PAYBRIDGE_METRICS_PORT=9464")
        .contains("PAYBRIDGE_CLUSTER_PORT=5701")
        // secrets are the deployment's to give, never the image's
        .doesNotContain("PAYBRIDGE_MASTER_KEY=")
        .doesNotContain("PAYBRIDGE_CLUSTER_SECRET=");
    assertThat(stage.get(indexOf(stage, "EXPOSE")).args().split("\\s+"))
        .containsExactlyInAnyOrder("8080", "9464", "5701");
  }

  @Test
  void theHealthCheckAsksTheNodesHealth() {
    Instruction health = finalStage().get(indexOf(finalStage(), "HEALTHCHECK"));
    assertThat(health.args())
        .contains("--interval=")
        .contains("--start-period=")
        .contains("CMD ")
        .contains("/health\"")
        .contains("${PAYBRIDGE_HTTP_PORT}")
        .contains("curl -fsS");
  }

  @Test
  void theBuildContextLeavesOutBuildOutputAndLocalState() {
    assertThat(DeployFiles.text("Dockerfile.dockerignore").lines().map(String::strip))
        .contains("**/target", "data", ".git", ".env");
  }

  private static int indexOf(List<Instruction> stage, String keyword) {
    for (int i = 0; i < stage.size(); i++) {
      if (stage.get(i).keyword().equals(keyword)) {
        return i;
      }
    }
    throw new AssertionError("no " + keyword + " in the final stage");
  }
}
