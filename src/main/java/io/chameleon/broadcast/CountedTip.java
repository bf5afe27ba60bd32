package io.chameleon.broadcast;

import io.chameleon.bus.Tip;

/** The newest event of a log and how many events the log holds up to it since its genesis, read together. */
public record CountedTip(Tip tip, long count) {
}
