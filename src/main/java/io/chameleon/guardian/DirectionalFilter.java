package io.chameleon.guardian;

import java.time.Instant;
import java.util.HashMap;
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
  /** Per route key: the allow reason for a string value, then for any other value. */
  private final Map<String, String[]> routeReasons;

  DirectionalFilter(String name, String attribute, Map<String, List<String>> routes,
                    List<String> defaultRoute) {
    this.name = name;
    this.attribute = attribute;
    this.segments = FlatView.segmentsOf(attribute);
    this.routes = Map.copyOf(routes);
    this.defaultRoute = defaultRoute == null ? null : List.copyOf(defaultRoute);
    // a matched route's reason depends only on the route and whether the value was a string
    Map<String, String[]> reasons = new HashMap<>();
    this.routes.forEach((key, targets) -> reasons.put(key, new String[] {
      routeReason("'" + key + "'", targets), routeReason(key, targets)}));
    this.routeReasons = Map.copyOf(reasons);
  }

  private String routeReason(String described, List<String> targets) {
    return "route for " + attribute + " " + described + " leads to " + targets;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Object value = FlatView.read(uow, attribute, segments);
    String key = value == null ? null : FlatView.keyOf(value);
    List<String> targets = key == null ? null : routes.get(key);
    String matched = targets != null ? "route" : defaultRoute != null ? "default" : null;
    if (targets == null) {
      targets = defaultRoute;
    }
    Explanation explanation = Explanation.of("attribute", attribute, "value", value,
      "matched", matched, "allowed_directions", targets == null ? List.of() : targets);
    if ("route".equals(matched)) {
      String[] reasons = routeReasons.get(key);
      return Decision.allow(reasons[value instanceof String ? 0 : 1], TYPE, name, explanation);
    }
    String subject = attribute + " " + FlatView.describe(value);
    if (targets == null) {
      return Decision.deny("no route for " + subject + " and no default route", TYPE, name,
        explanation);
    }
    return Decision.allow("default route for " + subject + " leads to " + targets, TYPE, name,
      explanation);
  }
}
