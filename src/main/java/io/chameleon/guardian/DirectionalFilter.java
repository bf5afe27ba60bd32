package io.chameleon.guardian;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * DIRECTIONAL_FILTER: routes a UOW by one attribute. The attribute's value (its string form;
 * whole numbers without ".0") selects a list of targets in {@code routes}; when none matches, the
 * {@code default_route} list of targets applies. Allowed when either gives targets;
 * {@code metadata.allowed_directions} lists them.
 */
final class DirectionalFilter implements Guardian {

  static final String TYPE = GuardianType.DIRECTIONAL_FILTER.name();

  private final String name;
  private final String attribute;
  private final String[] segments;
  private final Map<String, List<String>> routes;
  private final List<String> defaultRoute;

  DirectionalFilter(String name, String attribute, Map<String, List<String>> routes,
                    List<String> defaultRoute) {
    this.name = name;
    this.attribute = attribute;
    this.segments = FlatView.segmentsOf(attribute);
    this.routes = Map.copyOf(routes);
    this.defaultRoute = defaultRoute == null ? null : List.copyOf(defaultRoute);
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Object value = FlatView.read(uow, attribute, segments);
    List<String> targets = value == null ? null : routes.get(FlatView.keyOf(value));
    String matched = targets != null ? "route" : defaultRoute != null ? "default" : null;
    if (targets == null) {
      targets = defaultRoute;
    }
    Explanation explanation = Explanation.of("attribute", attribute, "value", value,
      "matched", matched, "allowed_directions", targets == null ? List.of() : targets);
    String subject = attribute + " " + FlatView.describe(value);
    if (targets == null) {
      return Decision.deny("no route for " + subject + " and no default route", TYPE, name,
        explanation);
    }
    String via = "route".equals(matched) ? "route for " : "default route for ";
    return Decision.allow(via + subject + " leads to " + targets, TYPE, name, explanation);
  }
}
