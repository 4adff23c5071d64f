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
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests the OpenAPI document refuses, as the API's own errors: the parameter or body field at
 * fault in {@code field} (a query parameter, which only lists take, as a 422 {@code
 * invalid_parameter}; the rest as 400), {@code invalid_json} for a body that is not a JSON object,
 * 415 for a body of another media type.
 */
final class ContractErrors {

  /** vertx-openapi names the parameter in its messages: "... query parameter limit ...". */
  private static final Pattern PARAMETER =
      Pattern.compile("(query|path|header|cookie) parameter ([^\\s.]+)");

  /** The property a keyword such as {@code required} is about: {@code "unknownSubscriptions"}. */
  private static final Pattern QUOTED = Pattern.compile("[\"']([^\"']+)[\"']");

  private ContractErrors() {}

  static ApiError toApiError(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    Matcher parameter = PARAMETER.matcher(message);
    if (parameter.find()) {
      String name = parameter.group(2);
      String refusal = "'" + name + "' " + problem(e);
      // a list's query parameters (limit, cursors, filters) are refused as unusable, 422
      return parameter.group(1).equals("query")
          ? ApiError.forParameter(name, refusal)
          : ApiError.forField(name, refusal);
    }
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new ApiError(415, "unsupported_media_type", "send the body as application/json");
    }
    if (e.type() == ValidatorErrorType.ILLEGAL_VALUE) {
      return new ApiError(400, "invalid_json", "the body is not valid JSON");
    }
    if (e instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
      String field = bodyField(invalid.getOutputUnit());
      if (field != null) {
        return ApiError.forField(field, "'" + field + "' " + problem(e));
      }
    }
    return new ApiError(400, "invalid_json", "the body must be a JSON object as documented");
  }

  /**
   * Every top-level body field a refused body is faulted for, in the validator's order, each with
   * what is wrong with it; empty when the refusal is not about body fields.
   */
  static List<InvalidInput.Problem> bodyProblems(ValidatorException e) {
    if (!(e instanceof SchemaValidationException invalid)
        || invalid.getOutputUnit() == null
        || invalid.getOutputUnit().getErrors() == null
        || PARAMETER.matcher(String.valueOf(e.getMessage())).find()) {
      return List.of();
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (OutputUnit error : invalid.getOutputUnit().getErrors()) {
      String location = error.getInstanceLocation();
      String pointer = location == null ? "" : location.replaceFirst("^#?/?", "");
      String field = null;
      if (!pointer.isEmpty()) {
        field = pointer.split("/", 2)[0].replace("~1", "/").replace("~0", "~");
      } else if (error.getError() != null) {
        Matcher quoted = QUOTED.matcher(error.getError());
        if (quoted.find()) {
          field = quoted.group(1);
        }
      }
      if (field != null) {
        fields.putIfAbsent(
            field, "'" + field + "' does not match the API document: " + error.getError());
      }
    }
    List<InvalidInput.Problem> problems = new ArrayList<>();
    fields.forEach((field, message) -> problems.add(new InvalidInput.Problem(field, message)));
    return problems;
  }

  /** What is wrong, in the validator's words. */
  private static String problem(ValidatorException e) {
    if (e instanceof SchemaValidationException invalid && invalid.getOutputUnit() != null) {
      List<OutputUnit> errors = invalid.getOutputUnit().getErrors();
      if (errors != null && !errors.isEmpty()) {
        return "does not match the API document: " + errors.get(errors.size() - 1).getError();
      }
    }
    return "does not match the API document";
  }

  /**
   * The top-level body property an error is about: from its instance location, or for errors on the
   * object itself ({@code required}, {@code additionalProperties}) the property it names.
   */
  private static String bodyField(OutputUnit result) {
    List<OutputUnit> errors = result.getErrors();
    if (errors == null) {
      return null;
    }
    for (int i = errors.size() - 1; i >= 0; i--) {
      String location = errors.get(i).getInstanceLocation();
      String pointer = location == null ? "" : location.replaceFirst("^#?/?", "");
      if (!pointer.isEmpty()) {
        String first = pointer.split("/", 2)[0];
        return first.replace("~1", "/").replace("~0", "~");
      }
    }
    for (int i = errors.size() - 1; i >= 0; i--) {
      String error = errors.get(i).getError();
      Matcher quoted = error == null ? null : QUOTED.matcher(error);
      if (quoted != null && quoted.find()) {
        return quoted.group(1);
      }
    }
    return null;
  }
}
