package io.computegrid.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core stays pure: the model, the scheduler and the simulator use no database, HTTP,
 * Kubernetes or wall clock, so the server and the simulator run the same deterministic code.
 */
class ArchitectureTest {
    static JavaClasses classes;
    static final String[] CORE = {"io.computegrid.model..", "io.computegrid.spec..", "io.computegrid.config..",
            "io.computegrid.scheduler..", "io.computegrid.serving..", "io.computegrid.sim.."};

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.computegrid");
    }

    @Test
    void coreUsesNoStoreHttpOrClusterLibraries() {
        noClasses().that().resideInAnyPackage(CORE).should().dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "javax.sql..", "io.javalin..", "org.jdbi..", "io.fabric8..",
                        "java.net.http..", "org.flywaydb..", "io.computegrid.store..", "io.computegrid.server..")
                .check(classes);
    }

    @Test
    void coreNeverReadsTheWallClockOrUnseededRandomness() {
        noClasses().that().resideInAnyPackage(CORE).should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(java.time.Instant.class, "now")
                .orShould().callMethod(java.time.LocalDateTime.class, "now")
                .orShould().callConstructor(java.util.Random.class)
                .orShould().callMethod(Thread.class, "sleep", long.class)
                .check(classes);
    }

    @Test
    void theSchedulerDoesNotKnowTheSimulator() {
        noClasses().that().resideInAPackage("io.computegrid.scheduler..").should().dependOnClassesThat()
                .resideInAPackage("io.computegrid.sim..").check(classes);
    }
}
