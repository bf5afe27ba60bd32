package io.chameleon.broadcast.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The Ed25519 key that signs checkpoints. Its file holds two lines, {@code private:<base64 PKCS#8>}
 * and {@code public:<base64 X.509>}; a missing file is generated (owner-only). Whoever holds the
 * private key can sign a checkpoint, so operators keep it off the data disk when the disk itself is
 * what they do not trust. Only signatures of this key are trusted: every node of a cluster is given
 * the same file.
 */
public final class CheckpointKey {

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String fingerprint;

  CheckpointKey(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.fingerprint = fingerprintOf(publicKey);
  }

  /** A fresh key pair, kept in memory only (tests). */
  public static CheckpointKey generate() {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      return new CheckpointKey(pair.getPrivate(), pair.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available in this JDK", e);
    }
  }

  /**
   * The key in {@code file}, generated there first when the file does not exist. Blocking.
   *
   * @throws IllegalArgumentException when the file cannot be read or does not hold a key, naming it
   */
  public static CheckpointKey loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        CheckpointKey fresh = generate();
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        // written whole beside it, then linked in place: a node starting at the same moment
        // (a cluster sharing the file) reads either no file or the whole key, never half of one
        Path partial = Files.createTempFile(dir == null ? Path.of(".") : dir, ".checkpoint-key", ".tmp",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
          Files.writeString(partial, fresh.encode(), StandardCharsets.UTF_8);
          Files.createLink(file, partial);
          return fresh;
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: use theirs
        } finally {
          Files.deleteIfExists(partial);
        }
      }
      return decode(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("events.checkpoint.key_file: cannot create or read " + file
        + " (" + e.getMessage() + ")");
    }
  }

  String encode() {
    Base64.Encoder b64 = Base64.getEncoder();
    return "private:" + b64.encodeToString(privateKey.getEncoded()) + "\n"
      + "public:" + b64.encodeToString(publicKey.getEncoded()) + "\n";
  }

  static CheckpointKey decode(List<String> lines, String where) {
    String priv = null;
    String pub = null;
    for (String line : lines) {
      if (line.startsWith("private:")) {
        priv = line.substring("private:".length()).trim();
      } else if (line.startsWith("public:")) {
        pub = line.substring("public:".length()).trim();
      }
    }
    if (priv == null || pub == null) {
      throw new IllegalArgumentException("events.checkpoint.key_file: " + where
        + " must hold a 'private:' and a 'public:' line");
    }
    try {
      KeyFactory factory = KeyFactory.getInstance("Ed25519");
      CheckpointKey key = new CheckpointKey(
        factory.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(priv))),
        factory.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pub))));
      // the two lines must be one pair: a mismatched public key would fail every verify later
      if (!key.verify("pair check", key.sign("pair check"))) {
        throw new IllegalArgumentException("events.checkpoint.key_file: " + where
          + ": its public key is not the private key's");
      }
      return key;
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      if (e instanceof IllegalArgumentException iae && iae.getMessage() != null
        && iae.getMessage().startsWith("events.checkpoint")) {
        throw iae;
      }
      throw new IllegalArgumentException("events.checkpoint.key_file: " + where
        + " does not hold an Ed25519 key (" + e.getMessage() + ")");
    }
  }

  /** The base64 Ed25519 signature of {@code text} (UTF-8). */
  public String sign(String text) {
    try {
      Signature signature = Signature.getInstance("Ed25519");
      signature.initSign(privateKey);
      signature.update(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Ed25519", e);
    }
  }

  /** Whether {@code signature} (base64) is this key's signature of {@code text}. */
  public boolean verify(String text, String signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(publicKey);
      verifier.update(text.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(Base64.getDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // not base64, wrong length: not a signature of this key
    }
  }

  /** SHA-256 of the public key's X.509 encoding, lowercase hex: how a checkpoint names its key. */
  public String fingerprint() {
    return fingerprint;
  }

  /** The public key, base64 X.509: what an auditor needs to check a checkpoint on their own. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  static String fingerprintOf(PublicKey key) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
