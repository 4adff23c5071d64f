package io.paybridge.core.gateway;

import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.PluginContext;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The gateway plugins on the class path, found with {@link ServiceLoader}, by id. */
public final class PluginRegistry {

  private final Map<String, GatewayPlugin> plugins;

  public PluginRegistry(Collection<GatewayPlugin> plugins) {
    Map<String, GatewayPlugin> byId = new TreeMap<>();
    for (GatewayPlugin p : plugins) {
      if (!p.id().matches("[a-z][a-z0-9-]{1,31}")) {
        throw new IllegalStateException(
            "gateway plugin id '" + p.id() + "' is not a lower-case slug");
      }
      if (byId.putIfAbsent(p.id(), p) != null) {
        throw new IllegalStateException("two gateway plugins claim the id '" + p.id() + "'");
      }
    }
    this.plugins = Map.copyOf(byId);
  }

  /** Every plugin the class loader can see. */
  public static PluginRegistry discover() {
    List<GatewayPlugin> found = new ArrayList<>();
    ServiceLoader.load(GatewayPlugin.class).forEach(found::add);
    return new PluginRegistry(found);
  }

  /** Initializes every plugin. */
  public Future<Void> init(PluginContext context) {
    List<Future<Void>> all = new ArrayList<>();
    for (GatewayPlugin p : plugins.values()) {
      all.add(p.init(context));
    }
    return Future.all(all).mapEmpty();
  }

  /** A plugin by id, or {@code null}. */
  public GatewayPlugin get(String id) {
    return plugins.get(id);
  }

  /** All plugins, ordered by id. */
  public Collection<GatewayPlugin> all() {
    return new TreeMap<>(plugins).values();
  }
}
