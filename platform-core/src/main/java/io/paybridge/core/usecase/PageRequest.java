package io.paybridge.core.usecase;

/**
 * Which page of a listing a reader asks for, as partners ask for pages of every list: up to {@code
 * limit} items after the item {@code startingAfter} names (the next page, in the listing's order),
 * or before the item {@code endingBefore} names (the previous page), or from the start when neither
 * is given. Keyset pages: they stay stable while new items arrive.
 *
 * @param <K> the key of a listed item (its id)
 */
public record PageRequest<K>(K startingAfter, K endingBefore, int limit) {

  public PageRequest {
    if (startingAfter != null && endingBefore != null) {
      throw new IllegalArgumentException("a page starts after an item or ends before one");
    }
    if (limit < 1) {
      throw new IllegalArgumentException("a page holds at least one item");
    }
  }

  /** The first {@code limit} items. */
  public static <K> PageRequest<K> first(int limit) {
    return new PageRequest<>(null, null, limit);
  }

  /** Whether the page is read backwards, towards the start of the listing. */
  public boolean backwards() {
    return endingBefore != null;
  }

  /** The key the page's query starts from: after it, or (backwards) before it; null for none. */
  public K from() {
    return backwards() ? endingBefore : startingAfter;
  }
}
