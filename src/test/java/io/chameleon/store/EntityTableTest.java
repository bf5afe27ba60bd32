package io.chameleon.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The store's id → entity table: a map, and copies that later puts leave as they were. */
class EntityTableTest {

  /** Verifies that puts and gets behave as a map's, across growth over many segments. */
  @Test
  void behavesAsAMap() {
    EntityTable<Integer> table = new EntityTable<>();
    Map<String, Integer> expected = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String id = "id-" + (i * 7919 % 30_000);
      assertEquals(expected.put(id, i), table.put(id, i));
    }
    assertEquals(expected.size(), table.size());
    expected.forEach((id, value) -> assertEquals(value, table.get(id)));
    assertNull(table.get("missing"));
    Map<String, Integer> walked = new HashMap<>();
    table.forEach(walked::put);
    assertEquals(expected, walked);
  }

  /** Verifies that a copy keeps the table as it was while puts, new ids and growth go on. */
  @Test
  void copyIsUnaffectedByLaterPuts() {
    EntityTable<Integer> table = new EntityTable<>();
    Map<String, Integer> before = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      table.put("id-" + i, i);
      before.put("id-" + i, i);
    }
    EntityTable.Copy copy = table.copy();
    for (int i = 0; i < 30_000; i++) {
      table.put("id-" + i, -i);
    }
    Map<String, Object> copied = new HashMap<>();
    copy.forEach(copied::put);
    assertEquals(before, copied);
    assertEquals(-9_999, table.get("id-9999"));
    assertEquals(30_000, table.size());
  }
}
