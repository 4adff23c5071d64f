package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests the OpenAPI document refuses, as the API's own errors in the API's words: every
 * parameter or body field at fault, each with what it must be ({@code 'amount' must be a whole
 * number}), never the validator's or Java's vocabulary; a query parameter, which only lists take,
 * as a 422 {@code invalid_parameter} naming it, a path parameter, header or body field as a 422
 * {@code invalid_field} naming every one; {@code invalid_json} (400) only for a body that is not a
 * JSON object, 415 for a body of another media type.
 */
final class ContractErrors {

  /** vertx-openapi names the parameter in its messages: "... query parameter limit ...". */
  private static final Pattern PARAMETER =
      Pattern.compile("(query|path|header|cookie) parameter ([^\\s.]+)");

  /** The property a keyword such as {@code required} is about: {@code "unknownSubscriptions"}. */
  private static final Pattern QUOTED = Pattern.compile("[\"']([^\"']+)[\"']");

  private static final Pattern TYPE =
      Pattern.compile("Instance type (\\w+) is invalid\\. Expected (\\w+)");
  private static final Pattern GREATER =
      Pattern.compile("\\S+ is greater than (?:or equal to )?(\\S+)");
  private static final Pattern LESS = Pattern.compile("\\S+ is less than (?:or equal to )?(\\S+)");
  private static final Pattern TOO_LONG = Pattern.compile("String is too long \\(\\d+ > (\\d+)\\)");
  private static final Pattern TOO_SHORT =
      Pattern.compile("String is too short \\(\\d+ < (\\d+)\\)");
  private static final Pattern ONE_OF = Pattern.compile("Instance does not match any of \\[(.*)]");

  private ContractErrors() {}

  /**
   * An {@link ApiError} for the body as a whole or a list's query parameter, or {@link
   * InvalidInput} naming every field.
   */
  static RuntimeException refusal(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher parameter = PARAMETER.matcher(message);
    if (parameter.find()) {
      String name = parameter.group(2);
      String refusal = parameterProblem(name, e);
      // a list's query parameters (limit, cursors, filters) are refused as unusable, 422
      return parameter.group(1).equals("query")
          ? ApiError.forParameter(name, refusal)
          : InvalidInput.of(name, refusal);
    }
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new ApiError(415, "unsupported_media_type", "send the body as application/json");
    }
    if (e.type() == ValidatorErrorType.ILLEGAL_VALUE) {
      return new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (e instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
      List<InvalidInput.Problem> problems = bodyProblems(invalid.getOutputUnit());
      if (!problems.isEmpty()) {
        return new InvalidInput(problems);
      }
    }
    return new ApiError(400, "invalid_json", "the body must be a JSON object as documented");
  }

  private static String parameterProblem(String name, ValidatorException e) {
    if (e.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return "'" + name + "' is required";
    }
    if (e instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
      List<OutputUnit> errors = invalid.getOutputUnit().getErrors();
      if (errors != null) {
        for (int i = errors.size() - 1; i >= 0; i--) {
          String words = words(errors.get(i).getError());
          if (words != null) {
            return "'" + name + "' " + words;
          }
        }
      }
    }
    return "'" + name + "' is not a value this parameter takes";
  }

  /**
   * One problem per body field at fault, the most specific the validator gave: an error about the
   * field's own value before one about the object that holds it.
   */
  private static List<InvalidInput.Problem> bodyProblems(OutputUnit result) {
    Map<String, String> byField = new LinkedHashMap<>();
    Map<String, Boolean> specific = new LinkedHashMap<>();
    List<OutputUnit> errors = result.getErrors() == null ? List.of() : result.getErrors();
    for (OutputUnit error : errors) {
      String text = error.getError() == null ? "" : error.getError();
      String field = field(error, text);
      if (field == null) {
        continue;
      }
      String words = words(text);
      boolean isSpecific = words != null;
      if (words == null) {
        words =
            text.contains("additional properties")
                ? "is not a field of this request"
                : "is not a value this field takes";
      }
      if (!byField.containsKey(field) || (isSpecific && !specific.get(field))) {
        byField.put(field, "'" + field + "' " + words);
        specific.put(field, isSpecific);
      }
    }
    List<InvalidInput.Problem> problems = new ArrayList<>();
    byField.forEach((field, message) -> problems.add(new InvalidInput.Problem(field, message)));
    return problems;
  }

  /**
   * The top-level body property an error is about: from its instance location, or for errors on the
   * object itself ({@code required}, {@code additionalProperties}) the property it names.
   */
  private static String field(OutputUnit error, String text) {
    String location = error.getInstanceLocation();
    String pointer = location == null ? "" : location.replaceFirst("^#?/?", "");
    if (!pointer.isEmpty()) {
      return pointer.split("/", 2)[0].replace("~1", "/").replace("~0", "~");
    }
    Matcher quoted = QUOTED.matcher(text);
    return quoted.find() ? quoted.group(1) : null;
  }

  /** What the validator's sentence asks for, in the API's words; {@code null} when unknown. */
  static String words(String validator) {
    if (validator == null) {
      return null;
    }
    Matcher m = TYPE.matcher(validator);
    if (m.find()) {
      return "must be " + type(m.group(2)) + ", not " + type(m.group(1));
    }
    if (validator.contains("does not have required property")) {
      return "is required";
    }
    if ((m = TOO_LONG.matcher(validator)).find()) {
      return "must be at most " + m.group(1) + " characters";
    }
    if ((m = TOO_SHORT.matcher(validator)).find()) {
      return "must be at least " + m.group(1) + " characters";
    }
    if ((m = GREATER.matcher(validator)).find()) {
      return "must be at most " + m.group(1);
    }
    if ((m = LESS.matcher(validator)).find()) {
      return "must be at least " + m.group(1);
    }
    if ((m = ONE_OF.matcher(validator)).find()) {
      return "must be one of: "
          + m.group(1).replace("\"", "").replace(",", ", ").replace(",  ", ", ");
    }
    if (validator.contains("does not match pattern")
        || validator.contains("does not match format")) {
      return "is not in the expected format";
    }
    return null;
  }

  /** A JSON Schema type as a person says it. */
  private static String type(String schemaType) {
    return switch (schemaType.toLowerCase(Locale.ROOT)) {
      case "string" -> "a string";
      case "integer" -> "a whole number";
      case "number" -> "a number";
      case "boolean" -> "true or false";
      case "object" -> "an object";
      case "array" -> "an array";
      case "null" -> "null";
      default -> "another kind of value";
    };
  }
}
