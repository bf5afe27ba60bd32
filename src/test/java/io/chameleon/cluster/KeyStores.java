package io.chameleon.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PKCS#12 key and trust stores for the event bus TLS tests, made with the JDK alone (keytool for
 * the key pairs, the KeyStore API for the trust stores) in a test's temporary directory: nothing
 * is committed, nothing is downloaded.
 */
final class KeyStores {

  private KeyStores() {
  }

  /** {@code <name>.p12}: an EC key and a self-signed certificate (CN=name), made by keytool. */
  static Path keyPair(Path dir, String name, String password) {
    Path store = dir.resolve(name + ".p12");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
      "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
      "-storepass", password, "-keypass", password);
    return store;
  }

  /**
   * A trust store {@code file} holding the certificates of the key pairs {@code names}, written
   * with the JDK's KeyStore API (what {@code keytool -importcert} does, without a JVM per entry).
   */
  static Path trustStore(Path dir, String file, String password, String... names) {
    Path path = dir.resolve(file);
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      for (String name : names) {
        KeyStore pair = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
          pair.load(in, password.toCharArray());
        }
        trust.setCertificateEntry(name, pair.getCertificate(name));
      }
      try (OutputStream out = Files.newOutputStream(path)) {
        trust.store(out, password.toCharArray());
      }
      return path;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the trust store " + path + ": " + e, e);
    }
  }

  /** {@code <name>.p12} and {@code trust.p12}, which trusts it. */
  static void create(Path dir, String name, String password) {
    keyPair(dir, name, password);
    trustStore(dir, "trust.p12", password, name);
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a short-lived JVM: start it as cheaply as possible
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    Process process = null;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
    }
  }
}
