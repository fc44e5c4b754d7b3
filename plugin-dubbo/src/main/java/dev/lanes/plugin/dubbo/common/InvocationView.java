package dev.lanes.plugin.dubbo.common;

import dev.lanes.bridge.RequestView;
import org.apache.dubbo.rpc.Invocation;

import java.util.Map;

/**
 * A Dubbo {@link Invocation} as rules see it: {@code method} is the method name, {@code args}
 * are the call's arguments, {@code headers} are its attachments. A generic call
 * ({@code $invoke(method, types, args)}) is seen as the call it stands for.
 */
public final class InvocationView implements RequestView {

    private static final String GENERIC_INVOKE = "$invoke";
    private static final String GENERIC_INVOKE_ASYNC = "$invokeAsync";

    private final Invocation invocation;

    private InvocationView(Invocation invocation) {
        this.invocation = invocation;
    }

    /** A view of {@code invocation}, or {@link RequestView#EMPTY} when there is none. */
    public static RequestView of(Invocation invocation) {
        return invocation == null ? EMPTY : new InvocationView(invocation);
    }

    @Override
    public String header(String name) {
        if (name == null) {
            return null;
        }
        String value = invocation.getAttachment(name);
        if (value != null) {
            return value;
        }
        // Attachment keys keep their case over the dubbo protocol and are lower case over
        // triple; rules name headers without regard to case.
        Map<String, String> attachments = invocation.getAttachments();
        if (attachments == null || attachments.isEmpty()) {
            return null;
        }
        for (Map.Entry<String, String> e : attachments.entrySet()) {
            if (name.equalsIgnoreCase(e.getKey())) {
                return e.getValue();
            }
        }
        return null;
    }

    @Override
    public String cookie(String name) {
        return null;
    }

    @Override
    public String query(String name) {
        return null;
    }

    @Override
    public String path() {
        return null;
    }

    @Override
    public String method() {
        String name = invocation.getMethodName();
        if (isGeneric(name)) {
            Object[] args = invocation.getArguments();
            if (args != null && args.length > 0 && args[0] instanceof String) {
                return (String) args[0];
            }
        }
        return name;
    }

    @Override
    public Object argument(int index) {
        Object[] args = invocation.getArguments();
        if (args == null || index < 0) {
            return null;
        }
        if (isGeneric(invocation.getMethodName()) && args.length == 3 && args[2] instanceof Object[]) {
            args = (Object[]) args[2];
        }
        return index < args.length ? args[index] : null;
    }

    private static boolean isGeneric(String methodName) {
        return GENERIC_INVOKE.equals(methodName) || GENERIC_INVOKE_ASYNC.equals(methodName);
    }

    /**
     * Keeps the decision in the invocation's attributes for {@link ProviderSpanFilter}, last in
     * the chain, after OpenTelemetry's filter started the server span (called only where
     * OpenTelemetry is there).
     */
    @Override
    public boolean laneForLaterSpan(String tag, String dyedBy) {
        invocation.put(ProviderSpanFilter.DYED_BY, dyedBy);
        ProviderSpanFilter.keeping();
        return true;
    }
}
