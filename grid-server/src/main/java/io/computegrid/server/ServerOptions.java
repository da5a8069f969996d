package io.computegrid.server;

import java.nio.file.Path;

/** How to start the server (CONTRACT.md: {@code grid server}). */
public record ServerOptions(String host, int port, Path dataDir, String dbUrl, String dbUser, String dbPassword,
                            boolean demo, Path configFile, String policy) {
}
