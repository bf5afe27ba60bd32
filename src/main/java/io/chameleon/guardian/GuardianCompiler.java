package io.chameleon.guardian;

import io.chameleon.bus.PlainJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a guardian configuration {@code {type, name?, attributes}} into a {@link CompiledGuardian},
 * once, checking every field on the way: an error is an {@link InvalidGuardianConfig} naming the
 * path of the bad field below the {@code path} given (e.g.
 * {@code guardians[1].attributes.rules[0].condition}). Nothing of the configuration is read again
 * at evaluation time.
 */
public final class GuardianCompiler {

  /** How many COMPOSITEs may nest inside one another. */
  public static final int MAX_DEPTH = 32;

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:-]{1,200}");
  private static final Set<String> TOP_KEYS = Set.of("type", "name", "attributes");
  private static final Set<String> CERBERUS_KEYS =
    Set.of("min_children", "max_children", "timeout_seconds");
  private static final Set<String> CRITERIA_KEYS = Set.of("rules", "operator");
  private static final Set<String> RULE_KEYS = Set.of("field", "condition", "value");
  private static final Set<String> DIRECTIONAL_KEYS = Set.of("attribute", "routes", "default_route");
  private static final Set<String> TTL_KEYS = Set.of("max_age_seconds");
  private static final Set<String> COMPOSITE_KEYS = Set.of("guardians", "operator");

  private final GuardianResolver resolver;
  private final List<CompiledGuardian.Reference> references = new ArrayList<>();
  private int deepest;
  private int nodes;

  private GuardianCompiler(GuardianResolver resolver) {
    this.resolver = resolver;
  }

  /** Whether {@code name} is a valid guardian name: {@code [A-Za-z0-9._:-]{1,200}}. */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /** Compiles {@code config}; names in COMPOSITEs must be registered in {@code registry}. */
  public static CompiledGuardian compile(Map<String, Object> config, String path,
                                         GuardianResolver registry) {
    return compile(config, path, registry, null);
  }

  /**
   * Compiles {@code config}, answering under {@code defaultName} when the configuration has no
   * {@code name} of its own.
   */
  public static CompiledGuardian compile(Object config, String path, GuardianResolver registry,
                                         String defaultName) {
    GuardianCompiler compiler = new GuardianCompiler(registry == null ? GuardianResolver.NONE
      : registry);
    Guardian body = compiler.guardian(config, path == null ? "" : path, 0, defaultName);
    ConfigFields top = ConfigFields.of(config, path);
    String name = top.has("name") ? (String) top.raw("name") : defaultName;
    GuardianType type = GuardianType.named((String) top.raw("type"));
    return new CompiledGuardian(type, name, body, compiler.references, compiler.deepest,
      compiler.nodes);
  }

  /**
   * Compiles one configuration found at {@code path}, itself inside {@code depth} COMPOSITEs,
   * answering under {@code fallbackName} when it has no name of its own.
   */
  private Guardian guardian(Object config, String path, int depth, String fallbackName) {
    nodes++;
    ConfigFields fields = ConfigFields.of(config, path);
    fields.onlyKeys(TOP_KEYS);
    String typeName = fields.requiredString("type");
    GuardianType type = GuardianType.named(typeName);
    if (type == null) {
      throw new InvalidGuardianConfig(fields.pathOf("type"), "unknown type '" + typeName + "'");
    }
    String name = fields.optionalString("name");
    if (name != null && !isValidName(name)) {
      throw new InvalidGuardianConfig(fields.pathOf("name"), "must match [A-Za-z0-9._:-]{1,200}");
    }
    name = name == null ? fallbackName : name;
    ConfigFields attributes = fields.optionalObject("attributes");
    switch (type) {
      case CERBERUS:
        return cerberus(name, attributes);
      case PASS_THRU:
        attributes.onlyKeys(Set.of());
        return new PassThru(name);
      case CRITERIA_GATE:
        return criteriaGate(name, attributes);
      case DIRECTIONAL_FILTER:
        return directionalFilter(name, attributes);
      case TTL_CHECK:
        attributes.onlyKeys(TTL_KEYS);
        return new TtlCheck(name, attributes.seconds("max_age_seconds", 86400L));
      case COMPOSITE:
        return composite(name, attributes, depth + 1);
      default:
        throw new IllegalStateException("unhandled type " + type);
    }
  }

  private Guardian cerberus(String name, ConfigFields attributes) {
    attributes.onlyKeys(CERBERUS_KEYS);
    long min = attributes.count("min_children", 1);
    long max = attributes.count("max_children", 100);
    if (min > max) {
      throw new InvalidGuardianConfig(attributes.pathOf("min_children"),
        "must not exceed max_children (" + min + " > " + max + ")");
    }
    return new Cerberus(name, min, max, attributes.seconds("timeout_seconds", 3600L));
  }

  private Guardian criteriaGate(String name, ConfigFields attributes) {
    attributes.onlyKeys(CRITERIA_KEYS);
    Operator operator = attributes.operator("operator");
    List<Object> list = attributes.has("rules") ? attributes.list("rules") : List.of();
    Rule[] rules = new Rule[list.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = rule(ConfigFields.of(list.get(i), attributes.pathOf("rules[" + i + "]")));
    }
    return new CriteriaGate(name, rules, operator);
  }

  private static Rule rule(ConfigFields fields) {
    fields.onlyKeys(RULE_KEYS);
    String field = fields.requiredString("field");
    String word = fields.requiredString("condition");
    Condition condition = Condition.named(word);
    if (condition == null) {
      throw new InvalidGuardianConfig(fields.pathOf("condition"), "unknown condition '" + word + "'");
    }
    if (!condition.needsValue()) {
      return new Rule(field, condition, null);
    }
    Object value = fields.required("value");
    if (condition.needsNumber() && !(value instanceof Number)) {
      throw new InvalidGuardianConfig(fields.pathOf("value"),
        "must be a number for condition '" + word + "'");
    }
    return new Rule(field, condition, PlainJson.frozen(value));
  }

  private Guardian directionalFilter(String name, ConfigFields attributes) {
    attributes.onlyKeys(DIRECTIONAL_KEYS);
    String attribute = attributes.requiredString("attribute");
    ConfigFields routeFields = attributes.object("routes");
    Map<String, List<String>> routes = new LinkedHashMap<>();
    for (String key : routeFields.keys()) {
      routes.put(key, targets(routeFields.required(key), routeFields.pathOf(key)));
    }
    List<String> defaultRoute = attributes.has("default_route")
      ? targets(attributes.raw("default_route"), attributes.pathOf("default_route")) : null;
    return new DirectionalFilter(name, attribute, routes, defaultRoute);
  }

  private static List<String> targets(Object value, String path) {
    List<Object> list = ConfigFields.asList(value, path);
    if (list.isEmpty()) {
      throw new InvalidGuardianConfig(path, "must list at least one target");
    }
    List<String> targets = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof String target) || target.isEmpty()) {
        throw new InvalidGuardianConfig(path + "[" + i + "]", "must be a non-empty string");
      }
      targets.add(target);
    }
    return targets;
  }

  private Guardian composite(String name, ConfigFields attributes, int depth) {
    if (depth > MAX_DEPTH) {
      throw new InvalidGuardianConfig(attributes.path(),
        "COMPOSITE nesting deeper than " + MAX_DEPTH);
    }
    deepest = Math.max(deepest, depth);
    attributes.onlyKeys(COMPOSITE_KEYS);
    Operator operator = attributes.operator("operator");
    List<Object> list = attributes.list("guardians");
    if (list.isEmpty()) {
      throw new InvalidGuardianConfig(attributes.pathOf("guardians"),
        "must list at least one guardian");
    }
    List<Guardian> children = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      String childPath = attributes.pathOf("guardians[" + i + "]");
      Object child = list.get(i);
      if (child instanceof String reference) {
        children.add(reference(reference, childPath, depth));
      } else if (child instanceof Map) {
        Guardian compiled = guardian(child, childPath, depth, null);
        children.add(failSafe(child, compiled));
      } else {
        throw new InvalidGuardianConfig(childPath,
          "must be a guardian name or a configuration object");
      }
    }
    return new Composite(name, children, operator);
  }

  private Guardian reference(String name, String path, int depth) {
    if (!isValidName(name)) {
      throw new InvalidGuardianConfig(path, "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (resolver.find(name) == null) {
      throw new InvalidGuardianConfig(path, "unknown guardian '" + name + "'");
    }
    references.add(new CompiledGuardian.Reference(name, path, depth));
    return new GuardianReference(name, resolver);
  }

  /** Wraps an inline child so that its failure is its own denial, not its parent's. */
  private static Guardian failSafe(Object config, Guardian body) {
    Map<?, ?> fields = (Map<?, ?>) config;
    GuardianType type = GuardianType.named((String) fields.get("type"));
    String name = (String) fields.get("name");
    return new CompiledGuardian(type, name, body, List.of(), 0, 1);
  }
}
