package io.chameleon.snapshot;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The size and SHA-256 of a snapshot body, summed as its chunks go by (written or read). */
final class BodyChecksum {

  long bytes;
  private final MessageDigest sha256;

  BodyChecksum() {
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  void add(byte[] chunk) {
    sha256.update(chunk);
    bytes += chunk.length;
  }

  String hex() {
    return HexFormat.of().formatHex(sha256.digest());
  }

  /**
   * Checks a body read back against its header.
   *
   * @throws IllegalStateException naming the snapshot when the size or the checksum differs
   */
  void verify(SnapshotHeader header, String where) {
    if (bytes != header.bytes()) {
      throw new IllegalStateException("snapshot " + where + ": body is not the " + header.bytes()
        + " bytes its header says");
    }
    if (!hex().equals(header.sha256())) {
      throw new IllegalStateException("snapshot " + where + ": body does not match its SHA-256");
    }
  }
}
