package io.chameleon.broadcast.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The byte count of {@code bytes_written}, taken without encoding the entry a second time. */
class StreamEntriesTest {

  /** Verifies that the counted UTF-8 length is what String.getBytes gives, lone surrogates included. */
  @Test
  void countsTheBytesGetBytesWouldGive() {
    for (String text : List.of("", "abc", "é", "€uro", "😀", "a😀b", "\ud800", "x\udc00y", "\ud800\ud800😀",
      "{\"payload\":\"ünïcödé ✓\"}")) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, StreamEntries.utf8Length(text), text);
    }
  }
}
