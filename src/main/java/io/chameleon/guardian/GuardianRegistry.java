package io.chameleon.guardian;

import io.chameleon.bus.PlainJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The named guardians, sorted by name. A registration is validated and compiled once; it may
 * refer to other registered guardians by name (resolved at each evaluation) but never, directly
 * or through others, to itself, never so that COMPOSITEs nest deeper than
 * {@link GuardianCompiler#MAX_DEPTH}, and never so that one evaluation of any registered guardian
 * would visit more than {@code guardian.max_visits} guardians ({@link Fanout}). A guardian that
 * others refer to cannot be removed.
 *
 * <p>Registration is in two steps so a caller can record the change durably in between:
 * {@link #prepare} checks and compiles without changing anything, {@link #commit} stores.
 *
 * <p>Not thread-safe: one registry belongs to one verticle instance and is touched only on its
 * context.
 */
public final class GuardianRegistry implements GuardianResolver {

  private static final CompiledGuardian PLACEHOLDER = GuardianCompiler.compile(
    Map.of("type", GuardianType.PASS_THRU.name()), "", GuardianResolver.NONE);

  private final TreeMap<String, RegisteredGuardian> entries = new TreeMap<>();
  private int maxVisits = Fanout.DEFAULT_MAX_VISITS;

  /** Sets {@code guardian.max_visits}, the fan-out limit new registrations are checked against. */
  public void limitVisits(int maxVisits) {
    this.maxVisits = maxVisits;
  }

  public int maxVisits() {
    return maxVisits;
  }

  /** Checks and compiles {@code config} for registration as {@code name}; changes nothing. */
  public RegisteredGuardian prepare(String name, Map<String, Object> config) {
    return prepare(name, config, true);
  }

  /**
   * As {@link #prepare(String, Map)}; without {@code checkFanout} when rebuilding from the log,
   * where a registration accepted before the limit existed (or was lowered) must still apply:
   * evaluations are checked against the limit anyway.
   */
  private RegisteredGuardian prepare(String name, Map<String, Object> config, boolean checkFanout) {
    if (!GuardianCompiler.isValidName(name)) {
      throw new InvalidGuardianConfig("name", "must match [A-Za-z0-9._:-]{1,200}");
    }
    if (config == null) {
      throw new InvalidGuardianConfig("", "must be an object");
    }
    // A name referring to itself must reach the cycle check, which explains it, not "unknown".
    GuardianResolver resolver = other -> other.equals(name) && find(other) == null
      ? PLACEHOLDER : find(other);
    CompiledGuardian compiled = GuardianCompiler.compile(config, "", resolver, name);
    Map<String, List<CompiledGuardian.Reference>> graph = graphWith(name, compiled);
    checkNoCycle(name, graph);
    checkDepth(name, compiled, graph);
    if (checkFanout) {
      checkFanout(name, compiled);
    }
    return new RegisteredGuardian(name, PlainJson.frozenObject(config), compiled);
  }

  /** Stores a prepared registration; true when the name was new, false when it replaced one. */
  public boolean commit(RegisteredGuardian prepared) {
    return entries.put(prepared.name(), prepared) == null;
  }

  /**
   * {@link #prepare} then {@link #commit}, for rebuilding the registry from the log and its
   * snapshots: every check but the fan-out limit (see {@link #prepare(String, Map, boolean)}).
   */
  public boolean put(String name, Map<String, Object> config) {
    return commit(prepare(name, config, false));
  }

  public Optional<RegisteredGuardian> get(String name) {
    return Optional.ofNullable(name == null ? null : entries.get(name));
  }

  @Override
  public CompiledGuardian find(String name) {
    RegisteredGuardian entry = name == null ? null : entries.get(name);
    return entry == null ? null : entry.guardian();
  }

  /** Every registered guardian, sorted by name. */
  public List<RegisteredGuardian> list() {
    return List.copyOf(entries.values());
  }

  public int size() {
    return entries.size();
  }

  /** Throws {@link GuardianInUse} when another registered guardian refers to {@code name}. */
  public void checkRemovable(String name) {
    for (RegisteredGuardian entry : entries.values()) {
      for (CompiledGuardian.Reference reference : entry.guardian().references()) {
        if (reference.name().equals(name) && !entry.name().equals(name)) {
          throw new GuardianInUse("guardian '" + name + "' is referred to by '" + entry.name()
            + "' at " + reference.path());
        }
      }
    }
  }

  /** Removes {@code name}; false when it was not registered. */
  public boolean remove(String name) {
    if (!entries.containsKey(name)) {
      return false;
    }
    checkRemovable(name);
    entries.remove(name);
    return true;
  }

  private Map<String, List<CompiledGuardian.Reference>> graphWith(String name,
                                                                  CompiledGuardian compiled) {
    Map<String, List<CompiledGuardian.Reference>> graph = new HashMap<>();
    entries.forEach((key, entry) -> graph.put(key, entry.guardian().references()));
    graph.put(name, compiled.references());
    return graph;
  }

  private static void checkNoCycle(String name, Map<String, List<CompiledGuardian.Reference>> graph) {
    for (CompiledGuardian.Reference reference : graph.get(name)) {
      LinkedHashSet<String> trail = new LinkedHashSet<>();
      trail.add(name);
      if (leadsBack(reference.name(), name, graph, trail)) {
        String problem = reference.name().equals(name)
          ? "COMPOSITE refers to itself ('" + name + "')"
          : "reference cycle " + String.join(" -> ", trail) + " -> " + name;
        throw new InvalidGuardianConfig(reference.path(), problem);
      }
    }
  }

  private static boolean leadsBack(String from, String target,
                                   Map<String, List<CompiledGuardian.Reference>> graph,
                                   LinkedHashSet<String> trail) {
    if (from.equals(target)) {
      return true;
    }
    if (!trail.add(from)) {
      return false;
    }
    for (CompiledGuardian.Reference next : graph.getOrDefault(from, List.of())) {
      if (leadsBack(next.name(), target, graph, trail)) {
        return true;
      }
    }
    trail.remove(from);
    return false;
  }

  private void checkDepth(String name, CompiledGuardian compiled,
                          Map<String, List<CompiledGuardian.Reference>> graph) {
    Map<String, Integer> localDepth = new HashMap<>();
    entries.forEach((key, entry) -> localDepth.put(key, entry.guardian().depth()));
    localDepth.put(name, compiled.depth());
    Map<String, Integer> memo = new HashMap<>();
    for (CompiledGuardian.Reference reference : compiled.references()) {
      int depth = reference.depth() + depthOf(reference.name(), graph, localDepth, memo);
      if (depth > GuardianCompiler.MAX_DEPTH) {
        throw new InvalidGuardianConfig(reference.path(), "COMPOSITE nesting through '"
          + reference.name() + "' deeper than " + GuardianCompiler.MAX_DEPTH);
      }
    }
    List<String> tooDeep = new ArrayList<>();
    for (String key : graph.keySet()) {
      if (depthOf(key, graph, localDepth, memo) > GuardianCompiler.MAX_DEPTH) {
        tooDeep.add(key);
      }
    }
    if (!tooDeep.isEmpty()) {
      throw new InvalidGuardianConfig("", "would make COMPOSITEs nest deeper than "
        + GuardianCompiler.MAX_DEPTH + " in " + tooDeep);
    }
  }

  /**
   * Refuses a registration after which one evaluation of it, or of any registered guardian
   * referring to it, would visit more than {@link #maxVisits} guardians; names the reference
   * where its own count goes over.
   */
  private void checkFanout(String name, CompiledGuardian compiled) {
    Fanout fanout = new Fanout(other -> other.equals(name) ? compiled : find(other));
    long visits = compiled.nodes();
    if (visits > maxVisits) {
      throw new InvalidGuardianConfig("", "holds " + visits + " guardians, more than the "
        + maxVisits + " one evaluation may visit (guardian.max_visits)");
    }
    for (CompiledGuardian.Reference reference : compiled.references()) {
      visits = Fanout.add(visits, fanout.visits(reference.name()));
      if (visits > maxVisits) {
        throw new InvalidGuardianConfig(reference.path(), "references fan out to more than "
          + maxVisits + " guardians in one evaluation (guardian.max_visits); through '"
          + reference.name() + "' it reaches " + visits);
      }
    }
    List<String> tooWide = new ArrayList<>();
    for (String other : entries.keySet()) {
      if (!other.equals(name) && fanout.visits(other) > maxVisits) {
        tooWide.add(other);
      }
    }
    if (!tooWide.isEmpty()) {
      throw new InvalidGuardianConfig("", "would make one evaluation visit more than " + maxVisits
        + " guardians (guardian.max_visits) in " + tooWide);
    }
  }

  /** COMPOSITE levels of {@code name}, counting those reached through references. */
  private static int depthOf(String name, Map<String, List<CompiledGuardian.Reference>> graph,
                             Map<String, Integer> localDepth, Map<String, Integer> memo) {
    Integer known = memo.get(name);
    if (known != null) {
      return known;
    }
    int depth = localDepth.getOrDefault(name, 0);
    for (CompiledGuardian.Reference reference : graph.getOrDefault(name, List.of())) {
      depth = Math.max(depth, reference.depth() + depthOf(reference.name(), graph, localDepth, memo));
    }
    memo.put(name, depth);
    return depth;
  }
}
