package io.computegrid.server.auth;

import io.computegrid.model.Role;
import io.computegrid.model.Tenant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** The first admin token goes to DIR/admin.token (mode 600); demo tenants get member tokens beside it. */
public final class BootstrapTokens {
    private BootstrapTokens() {
    }

    public static void write(TokenService tokens, Path data, List<Tenant> demoTenants) throws IOException {
        if (!tokens.any(Role.ADMIN)) {
            writeSecret(data.resolve("admin.token"), tokens.create(Role.ADMIN, null, "bootstrap admin").token());
        }
        if (!demoTenants.isEmpty()) {
            Path dir = data.resolve("demo-tokens");
            Files.createDirectories(dir);
            for (Tenant t : demoTenants) {
                Path f = dir.resolve(t.name() + ".token");
                if (!Files.exists(f)) {
                    writeSecret(f, tokens.create(Role.MEMBER, t.name(), "demo member").token());
                }
            }
        }
    }

    static void writeSecret(Path file, String secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, secret + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
