package io.chameleon.app;

import io.chameleon.app.Settings.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * The HS256 secret: the configured one (checked), or a random 256-bit one generated on first start
 * into {@code <data.dir>/jwt-secret} (owner-only) and read from there afterwards, by the server and
 * by {@code chameleon token} alike.
 */
final class JwtSecret {

  static final int MIN_BYTES = 32;
  static final String FILE_NAME = "jwt-secret";

  /** Secrets that appear in tutorials and defaults; refusing them is cheap. */
  private static final Set<String> WELL_KNOWN = Set.of(
    "secret", "changeme", "change-me", "changeit", "password", "your-256-bit-secret",
    "your-secret-key", "your_secret_key", "supersecret", "super-secret-key", "jwt-secret",
    "chameleon", "chameleon-secret", "keyboard cat", "mysecret", "my-secret-key", "test", "default",
    "0123456789abcdef0123456789abcdef", "00000000000000000000000000000000",
    "your-256-bit-secret-your-256-bit-secret", "please-change-this-secret-in-production");

  private JwtSecret() {
  }

  /** The secret to use, after checks; generates and stores one when none is configured. */
  static String resolve(String configured, Path dataDir) {
    if (configured != null) {
      check(configured, "auth.secret");
      return configured;
    }
    Path file = dataDir.resolve(FILE_NAME);
    try {
      if (!Files.exists(file)) {
        createDataDir(dataDir);
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
          Files.writeString(file, secret, StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException raced) {
          // another process created it first: use theirs
        }
      }
      String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
      check(secret, file.toString());
      return secret;
    } catch (IOException e) {
      throw new ConfigException("data.dir: cannot create or read " + file + " (" + e.getMessage() + ")");
    }
  }

  static void createDataDir(Path dataDir) throws IOException {
    if (!Files.isDirectory(dataDir)) {
      if (Files.exists(dataDir)) {
        throw new ConfigException("data.dir: " + dataDir + " exists and is not a directory");
      }
      Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  static void check(String secret, String setting) {
    if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_BYTES) {
      throw new ConfigException(setting + ": the HS256 secret must be at least " + MIN_BYTES + " bytes");
    }
    String lower = secret.toLowerCase(Locale.ROOT);
    if (WELL_KNOWN.contains(lower) || lower.chars().distinct().count() < 4) {
      throw new ConfigException(setting + ": the HS256 secret is a well-known or trivial value");
    }
  }
}
