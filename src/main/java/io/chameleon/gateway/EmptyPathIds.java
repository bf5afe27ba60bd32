package io.chameleon.gateway;

import io.chameleon.bus.Failure;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * BAR B14 for the ids in a path: an empty one ({@code /pilot/resume/}, {@code /pilot/waive/<uuid>/},
 * {@code /api/interventions//claim}) matches none of the {@link io.chameleon.bus.Operation} routes, which need a
 * non-empty segment, so it would end as a 404 or 405. This matches the same path template with at
 * least one parameter empty; mounted after the endpoints and behind the same role check, it answers
 * 400 naming the parameter. It matches the raw path: the normalised one folds {@code //} into
 * {@code /}.
 */
final class EmptyPathIds {

  private final List<String> names;
  /** For each parameter, the template with that one empty and the others anything. */
  private final List<Pattern> emptyAt;

  private EmptyPathIds(List<String> names, List<Pattern> emptyAt) {
    this.names = names;
    this.emptyAt = emptyAt;
  }

  /** For a route template with {@code :name} parameters; empty when it has none. */
  static Optional<EmptyPathIds> of(String template) {
    String[] segments = template.substring(1).split("/", -1);
    List<String> names = new ArrayList<>();
    List<Pattern> emptyAt = new ArrayList<>();
    for (String segment : segments) {
      if (segment.startsWith(":")) {
        emptyAt.add(Pattern.compile(regex(segments, segment)));
        names.add(segment.substring(1));
      }
    }
    return names.isEmpty() ? Optional.empty() : Optional.of(new EmptyPathIds(List.copyOf(names), List.copyOf(emptyAt)));
  }

  private static String regex(String[] segments, String empty) {
    StringBuilder regex = new StringBuilder();
    for (String segment : segments) {
      regex.append('/');
      if (segment.equals(empty)) {
        continue;
      }
      regex.append(segment.startsWith(":") ? "[^/]*" : Pattern.quote(segment));
    }
    return regex.toString();
  }

  /** The route's path regex: the template with any one of its parameters empty. */
  String regex() {
    return emptyAt.stream().map(Pattern::pattern).collect(Collectors.joining("|", "^(?:", ")$"));
  }

  /** Routing step: 400 naming the first empty parameter. */
  void refuse(RoutingContext ctx) {
    String path = ctx.request().path();
    for (int i = 0; i < names.size(); i++) {
      if (emptyAt.get(i).matcher(path).matches()) {
        throw Failure.badRequest(names.get(i) + ": must not be empty");
      }
    }
    ctx.next();
  }
}
