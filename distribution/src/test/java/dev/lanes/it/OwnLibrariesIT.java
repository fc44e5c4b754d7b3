package dev.lanes.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An application that carries its own, other versions of the libraries inside the agent
 * (Byte Buddy 1.14, SnakeYAML 2.2) keeps using them, untouched by the agent's copies.
 */
class OwnLibrariesIT {

    @Test
    void applicationKeepsItsOwnLibraryVersions() throws Exception {
        Path libs = Path.of(System.getProperty("lanes.app.libs", "target/app-libs"));
        String cp = ChildJvm.classPath(Apps.testClasses(), libs.resolve("byte-buddy-1.14.18.jar").toString(),
                libs.resolve("snakeyaml-2.2.jar").toString());
        try (ChildJvm jvm = ChildJvm.start("own-libraries", Apps.jvmOptions(Apps.agentOption("admin.port=0")), cp,
                Apps.HELLO_MAIN).awaitReady(Duration.ofSeconds(60))) {
            Apps.verify(jvm, () -> {
                assertEquals("bytebuddy=byte-buddy-1.14.18.jar made=example.app.Generated "
                        + "snakeyaml=snakeyaml-2.2.jar yaml=42", jvm.get("/libraries"));
                String state = ChildJvm.get(Apps.adminPort(jvm), "/lanes").body();
                assertTrue(state.contains("\"agentVersion\""), state);
            });
        }
    }
}
