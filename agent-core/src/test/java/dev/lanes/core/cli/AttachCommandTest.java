package dev.lanes.core.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code attach}: the input it refuses before it reaches for any JVM (real attaching: AttachIT). */
class AttachCommandTest {

    private static LanesCliTest.Result run(String... args) {
        return LanesCliTest.run(args);
    }

    @Test
    void aPidThatIsNoNumberIsAUsageError() {
        LanesCliTest.Result r = run("attach", "my-service", "tag=gray");
        assertEquals(AttachCommand.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("'my-service' is not a process id"), r.err());
        assertTrue(r.err().contains("Exit codes"), r.err());
    }

    @Test
    void argumentsSplitBySpacesAreAUsageError() {
        LanesCliTest.Result r = run("attach", "123", "tag=gray,", "admin.port=9464");
        assertEquals(AttachCommand.USAGE, r.exit(), r.err());
        assertTrue(r.err().contains("without spaces"), r.err());
    }

    @Test
    void malformedArgumentsAreNamedAndNothingIsAttached() {
        // The pid is this test's own JVM: were the arguments not checked first, attaching to it would fail
        // with another message and exit code.
        LanesCliTest.Result r = run("attach", Long.toString(ProcessHandle.current().pid()), "tag=gray,admin.port=99999,rulez=x");
        assertEquals(AttachCommand.INVALID_ARGUMENTS, r.exit(), r.err());
        assertTrue(r.err().startsWith("not attached: the agent arguments have 2 problem(s)"), r.err());
        assertTrue(r.err().contains("lanes.admin.port='99999' is invalid"), r.err());
        assertTrue(r.err().contains("unknown setting 'lanes.rulez' (did you mean 'lanes.rules'?)"), r.err());
    }

    @Test
    void helpPrintsTheUsageAndExitCodes() {
        LanesCliTest.Result r = run("attach", "-h");
        assertEquals(AttachCommand.USAGE, r.exit());
        assertTrue(r.err().contains("attach PID [ARGS]") && r.err().contains("4 cannot attach"), r.err());
    }
}
