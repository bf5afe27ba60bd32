package io.chameleon.guardian;

import java.time.Instant;
import java.util.Map;

/**
 * A deterministic gate over one unit of work. The {@code uow} is the flat view: the UOW's
 * attributes overlaid with {@code uow_id}, {@code status}, {@code child_count},
 * {@code finished_child_count} and {@code created_at} (ISO-8601). {@code now} is the one clock
 * read of this evaluation. Implementations never mutate their inputs.
 */
@FunctionalInterface
public interface Guardian {

  Decision evaluate(Map<String, Object> uow, Instant now);
}
