package io.paybridge.core;

/** Every event-bus address the platform uses, in one place. */
public final class EventBusAddresses {

  private EventBusAddresses() {}

  /** Body: a hook key whose gateway account was created, edited or removed. Published. */
  public static final String HOOK_INVALIDATE = "paybridge.hooks.invalidate";
}
