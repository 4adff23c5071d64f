/**
 * What each console page shows, as typed records: the parameters of the jte templates under {@code
 * src/main/jte}. The pages in {@code io.paybridge.console} fill them from the use cases; the
 * templates escape every value by its context. Nothing here builds HTML.
 */
package io.paybridge.console.view;
