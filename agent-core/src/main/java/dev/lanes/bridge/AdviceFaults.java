package dev.lanes.bridge;

/**
 * Receives what inlined advice throws. Every advice method is compiled with
 * {@code suppress = Throwable.class}; the agent points the suppression handler here, so that
 * a fault is logged once and counted while the application method runs on untouched.
 */
public final class AdviceFaults {

    private AdviceFaults() {
    }

    public static void onThrowable(Throwable t) {
        StackTraceElement[] trace = t.getStackTrace();
        String where = trace.length > 0 ? trace[0].getClassName() + "." + trace[0].getMethodName() : "unknown";
        AgentFaults.report("advice:" + where, t);
    }
}
