package io.paybridge.core;

/** Every event-bus address the platform uses, in one place. */
public final class EventBusAddresses {

  private EventBusAddresses() {}

  /** Body: a hook key whose gateway account was created, edited or removed. Published. */
  public static final String HOOK_INVALIDATE = "paybridge.hooks.invalidate";

  /**
   * Body: the public id of an API client that was deleted or whose secret was rotated. Published;
   * every node drops what it knows of the client, so its old tokens stop at once.
   */
  public static final String API_CLIENT_INVALIDATE = "paybridge.api-clients.invalidate";

  /** Body: none. Published after a commit that created jobs; every worker claims what is due. */
  public static final String JOBS_WAKE = "paybridge.jobs.wake";

  /**
   * Body: none. Published after a commit that recorded ledger entries (with their sync jobs); every
   * node's fan-out takes what is due.
   */
  public static final String SYNC_WAKE = "paybridge.sync.wake";
}
