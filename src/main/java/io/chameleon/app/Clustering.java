package io.chameleon.app;

import com.hazelcast.config.Config;
import com.hazelcast.config.InvalidConfigurationException;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.XmlConfigBuilder;
import io.chameleon.app.Settings.ConfigException;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a clustered node is built from: the Hazelcast configuration ({@code cluster.xml} with the
 * {@code cluster.*} overrides applied) and the event bus options (host, port, TLS with client
 * certificates). Plain configuration, no Vert.x instance; {@link Chameleon#createClusteredVertx}
 * builds the node from it.
 */
public final class Clustering {

  private static final Logger LOG = LoggerFactory.getLogger(Clustering.class);

  /** The file read from the working directory when present (the repository's top-level one). */
  static final String FILE = "cluster.xml";
  /** The system property vertx-hazelcast reads first; when set, it wins over {@link #FILE}. */
  static final String CONFIG_PROPERTY = "vertx.hazelcast.config";

  private Clustering() {
  }

  /**
   * The Hazelcast configuration of this node: the file named by {@code vertx.hazelcast.config}, or
   * {@code ./cluster.xml}, or the copy in the jar (all three keep Vert.x's own map settings), then
   * {@code cluster.name}, {@code cluster.members}, {@code cluster.host} and {@code cluster.port}
   * where they are set. Throws {@link ConfigException} naming what is wrong.
   */
  public static Config hazelcastConfig(JsonObject cluster) {
    // Hazelcast picks its logger once, from this property: set it before the first Hazelcast class logs
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    Config config = load();
    if (cluster.getString("name") != null) {
      config.setClusterName(cluster.getString("name"));
    }
    NetworkConfig network = config.getNetworkConfig();
    if (cluster.getInteger("port") != null) {
      // exactly this port: a member list that names it must find it there
      network.setPort(cluster.getInteger("port")).setPortAutoIncrement(false);
    }
    if (cluster.getString("host") != null) {
      network.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.getString("host")));
    }
    if (cluster.getString("members") != null) {
      JoinConfig join = network.getJoin();
      join.getMulticastConfig().setEnabled(false);
      join.getAutoDetectionConfig().setEnabled(false);
      join.getTcpIpConfig().setEnabled(true).setMembers(members(cluster.getString("members")));
    }
    LOG.info("cluster configuration [cluster: {}, port: {}, interfaces: {}, members: {}]", config.getClusterName(),
      network.getPort(), network.getInterfaces().isEnabled() ? network.getInterfaces().getInterfaces() : "any",
      network.getJoin().getTcpIpConfig().isEnabled() ? network.getJoin().getTcpIpConfig().getMembers() : "not tcp-ip");
    return config;
  }

  /** {@code host:port,host:port} as Hazelcast's member list. */
  static List<String> members(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static Config load() {
    String property = System.getProperty(CONFIG_PROPERTY);
    Path local = Path.of(FILE);
    try {
      if (property == null && Files.isRegularFile(local)) {
        try (InputStream in = Files.newInputStream(local)) {
          LOG.info("cluster configuration read [file: {}]", local.toAbsolutePath());
          return new XmlConfigBuilder(in).build();
        }
      }
      // vertx.hazelcast.config when set, else the cluster.xml inside the jar
      Config config = ConfigUtil.loadConfig();
      if (config == null) {
        throw new ConfigException("cluster: no Hazelcast configuration could be read (" + FILE + " or "
          + CONFIG_PROPERTY + ")");
      }
      LOG.info("cluster configuration read [source: {}]", property != null ? property : "cluster.xml in the jar");
      return config;
    } catch (IOException e) {
      throw new ConfigException("cluster: cannot read " + local.toAbsolutePath() + " (" + e.getMessage() + ")");
    } catch (InvalidConfigurationException e) {
      throw new ConfigException("cluster: " + (property != null ? property : FILE)
        + " is not a valid Hazelcast configuration (" + e.getMessage() + ")");
    }
  }

  /**
   * The clustered event bus: its host and port, and with {@code cluster.tls.enabled} TLS where
   * both sides show a certificate the other trusts (client authentication required). The stores
   * are opened here once, so a wrong path or password stops the start naming the key.
   */
  public static EventBusOptions eventBusOptions(JsonObject cluster) {
    EventBusOptions options = new EventBusOptions()
      // unset: Vert.x takes the address Hazelcast bound (127.0.0.1 with the shipped cluster.xml)
      .setHost(cluster.getString("bus_host"))
      .setPort(cluster.getInteger("bus_port"));
    JsonObject tls = cluster.getJsonObject("tls");
    if (!tls.getBoolean("enabled")) {
      return options;
    }
    String keyStore = tls.getString("key_store");
    String trustStore = tls.getString("trust_store");
    checkStore("cluster.tls.key_store", keyStore, tls.getString("key_store_password"), true);
    checkStore("cluster.tls.trust_store", trustStore, tls.getString("trust_store_password"), false);
    return options
      .setSsl(true)
      .setKeyCertOptions(new PfxOptions().setPath(keyStore).setPassword(tls.getString("key_store_password")))
      .setTrustOptions(new PfxOptions().setPath(trustStore).setPassword(tls.getString("trust_store_password")))
      .setClientAuth(ClientAuth.REQUIRED);
  }

  /** Opens a PKCS#12 store; the message names the key and the file, never the password. */
  private static void checkStore(String key, String file, String password, boolean needsKey) {
    Path path = Path.of(file);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new ConfigException(key + ": " + file + " does not exist or is not readable");
    }
    KeyStore store;
    try (InputStream in = Files.newInputStream(path)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException(key + ": cannot open " + file + " as PKCS#12 with " + key
        + "_password (a wrong password, or not a PKCS#12 file)");
    }
    try {
      List<String> aliases = Collections.list(store.aliases());
      boolean fits = needsKey
        ? aliases.stream().anyMatch(alias -> isKey(store, alias))
        : aliases.stream().anyMatch(alias -> isCertificate(store, alias));
      if (!fits) {
        throw new ConfigException(key + ": " + file + (needsKey ? " holds no private key" : " holds no certificate"));
      }
    } catch (GeneralSecurityException e) {
      throw new ConfigException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean isCertificate(KeyStore store, String alias) {
    try {
      return store.getCertificate(alias) != null;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
