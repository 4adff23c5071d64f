package io.paybridge.core.db;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.flywaydb.core.api.logging.Log;
import org.flywaydb.core.api.logging.LogCreator;

/**
 * Flyway's log on {@code java.util.logging}, like the rest of the node, one level down: its
 * progress reports go to {@code FINE} (a start logs one line of its own, from {@link Migrations}),
 * its warnings and errors stay what they are. Loggers are named after Flyway's classes, so {@code
 * org.flywaydb.level = FINE} in the logging configuration shows everything it does.
 *
 * <p>Flyway instantiates this class by name ({@code loggers} in its configuration), hence public.
 */
public final class FlywayLogging implements LogCreator {

  @Override
  public Log createLogger(Class<?> clazz) {
    Logger logger = Logger.getLogger(clazz.getName());
    return new Log() {
      @Override
      public boolean isDebugEnabled() {
        return logger.isLoggable(Level.FINER);
      }

      @Override
      public void debug(String message) {
        logger.finer(message);
      }

      @Override
      public void info(String message) {
        logger.fine(message);
      }

      @Override
      public void notice(String message) {
        logger.info(message);
      }

      @Override
      public void warn(String message) {
        logger.warning(message);
      }

      @Override
      public void error(String message) {
        logger.severe(message);
      }

      @Override
      public void error(String message, Exception e) {
        logger.log(Level.SEVERE, message, e);
      }
    };
  }
}
