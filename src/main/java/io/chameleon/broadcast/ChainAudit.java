package io.chameleon.broadcast;

/**
 * What a chain walk shows, event by event, to whoever checks it against more than the chain
 * itself (signed checkpoints, a head pinned by an auditor). Called in chain order on the walk's
 * worker; {@code position} is the event's place from the genesis (1 = first), unknown
 * ({@code fromGenesis} false) when the walk starts at the oldest kept event of a trimmed log.
 */
public interface ChainAudit {

  /** Checks nothing. */
  ChainAudit NONE = new ChainAudit() {
    @Override
    public void see(long position, boolean fromGenesis, Event event) {
    }

    @Override
    public String finish(long events, boolean fromGenesis, String lastId) {
      return null;
    }
  };

  void see(long position, boolean fromGenesis, Event event);

  /**
   * The walk ended intact after {@code events} events at {@code lastId} ({@code 0-0}: none): the
   * first disagreement found, in words, or null.
   */
  String finish(long events, boolean fromGenesis, String lastId);
}
