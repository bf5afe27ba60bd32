package io.chameleon.cluster;

/**
 * The writer lease's three Redis scripts (docs/REDIS.md). Each is one atomic step, so only one node
 * can win a take-over, and the epoch moves in the same step as the lease.
 */
final class LeaseScripts {

  /**
   * KEYS[1] the lease, KEYS[2] the tip hash; ARGV[1] this node, ARGV[2] the time-to-live in ms.
   * Sets the lease only if nobody holds it, then moves the epoch: {1, new epoch}; else {0, holder}.
   */
  static final String TAKE_OVER = """
    if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
      return {1, redis.call('HINCRBY', KEYS[2], 'epoch', 1)}
    end
    return {0, redis.call('GET', KEYS[1]) or ''}
    """;

  /**
   * KEYS[1] the lease, KEYS[2] the tip hash; ARGV[1] this node, ARGV[2] the time-to-live in ms,
   * ARGV[3] the epoch it took. Extends the lease only if this node still holds it under that
   * epoch: 1; else 0 (another node took over).
   */
  static final String RENEW = """
    if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('HGET', KEYS[2], 'epoch') == ARGV[3] then
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
    end
    return 0
    """;

  /** KEYS[1] the lease; ARGV[1] this node. Frees the lease if this node holds it (a clean shutdown). */
  static final String RELEASE = """
    if redis.call('GET', KEYS[1]) == ARGV[1] then
      redis.call('DEL', KEYS[1])
      return 1
    end
    return 0
    """;

  private LeaseScripts() {
  }
}
