package io.paybridge.devdb;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one start asked for, fixed from the {@link EmbeddedPostgres.Options} when it began: each
 * value was checked as it was set, and a durable cluster must name its data folder.
 *
 * @param dataDirectory the requested data folder, absolute; {@code null} for a fresh throwaway one
 * @param port the TCP port; 0 picks a free one at every start
 * @param baseDirectory the folder for binaries and derived clusters; {@code null} for the default
 * @param osUser the account that runs PostgreSQL under root; {@code null} for the default
 * @param settings server settings on top of the embedded server's own, in the order they were set
 * @param runtimeUser a role that may only read and write the tables it is granted, created or reset
 *     at every start; {@code null} for none
 * @param runtimePassword its password for this start
 */
record ClusterSpec(
    Path dataDirectory,
    int port,
    String database,
    String user,
    String password,
    boolean throwaway,
    Path baseDirectory,
    String osUser,
    Map<String, String> settings,
    String runtimeUser,
    String runtimePassword) {

  ClusterSpec {
    if (!throwaway && dataDirectory == null) {
      throw new IllegalArgumentException("A durable cluster needs a data folder");
    }
    dataDirectory = dataDirectory == null ? null : dataDirectory.toAbsolutePath().normalize();
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }
}
