package dev.lanes.core.trace;

import dev.lanes.bridge.AgentLog;
import dev.lanes.bridge.RequestView;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Puts a request's lane on OpenTelemetry's side of the request. On the span that is current when
 * Lanes decides it (with the OpenTelemetry Java agent: the server span it started for the
 * request), as the attributes {@code lanes.tag} and {@code lanes.dyed_by}. And, with the Java
 * agent, in its current baggage as the member {@code lanes.tag} ({@link #laneInBaggage}), because
 * the agent's HTTP client instrumentation replaces the {@code baggage} header Lanes wrote with
 * one made from that baggage: it must say what Lanes decided. Reached by reflection only, so that no
 * OpenTelemetry class is needed to load Lanes: first the Java agent's own API, which it puts on
 * the bootstrap class path under its shaded name; else the application's
 * {@code io.opentelemetry.api} as the class loader of the request's framework classes sees it.
 * Each look-up is made once (per class loader for the application's API); where OpenTelemetry
 * is absent a call costs one volatile read and a {@link ClassValue} look-up. A failure is logged
 * once and turns this off.
 */
public final class OpenTelemetryLane {

    /** The attribute naming the lane: the request's traffic tag. */
    public static final String TAG_ATTRIBUTE = "lanes.tag";
    /** The attribute saying how the lane was decided: {@code carried}, {@code rule} or {@code node}. */
    public static final String DYED_BY_ATTRIBUTE = "lanes.dyed_by";

    /** The OpenTelemetry Java agent's copy of the API, on the bootstrap class path. */
    static final String AGENT_SPAN = "io.opentelemetry.javaagent.shaded.io.opentelemetry.api.trace.Span";
    /** The API an application (or its OpenTelemetry SDK or starter) brings. */
    static final String API_SPAN = "io.opentelemetry.api.trace.Span";

    /** The Java agent's API: null until first looked for, {@link SpanAccess#ABSENT} when there is none. */
    private volatile SpanAccess agent;
    /** The Java agent's baggage: null until first looked for, {@link BaggageAccess#ABSENT} when there is none. */
    private volatile BaggageAccess agentBaggage;
    private volatile boolean failed;
    private volatile boolean baggageFailed;
    private final ClassValue<SpanAccess> applications = new ClassValue<SpanAccess>() {
        @Override
        protected SpanAccess computeValue(Class<?> type) {
            ClassLoader loader = type.getClassLoader();
            return loader == null ? SpanAccess.ABSENT : SpanAccess.find(API_SPAN, loader,
                    "the application's OpenTelemetry API (" + loader.getClass().getName() + ")");
        }
    };

    /**
     * Sets the attributes on the current span, if OpenTelemetry is there; never throws.
     *
     * @param tag     the request's traffic tag (not null)
     * @param dyedBy  how it was decided: {@code carried}, {@code rule} or {@code node}
     * @param request an object of the framework's side of the request (the plugin's view of it),
     *                whose class loader sees the application's libraries; may be null
     */
    public void laneDecided(String tag, String dyedBy, Object request) {
        annotate(tag, dyedBy, request, true);
    }

    /**
     * Sets the attributes on the span current now, where the plugin kept the decision for a
     * server span that started after it ({@link RequestView#laneForLaterSpan}); never throws.
     */
    public void laneOnCurrentSpan(String tag, String dyedBy, Object request) {
        annotate(tag, dyedBy, request, false);
    }

    private void annotate(String tag, String dyedBy, Object request, boolean mayDefer) {
        if (failed) {
            return;
        }
        try {
            SpanAccess access = agent;
            if (access == null) {
                // Looked for on the first request, not at start: the OpenTelemetry agent's
                // premain may run after Lanes'.
                access = SpanAccess.find(AGENT_SPAN, null, "the OpenTelemetry Java agent");
                agent = access;
            }
            if (access == SpanAccess.ABSENT && request != null) {
                access = applications.get(request.getClass());
            }
            if (access == SpanAccess.ABSENT) {
                return;
            }
            // Only now, with OpenTelemetry there: a plugin may keep the decision for a later span.
            if (mayDefer && request instanceof RequestView && ((RequestView) request).laneForLaterSpan(tag, dyedBy)) {
                return;
            }
            access.annotate(tag, dyedBy);
        } catch (Throwable t) {
            failed = true;
            AgentLog.warn("OpenTelemetry: could not put the lane on the current span (" + t
                    + "); spans go on without the lanes.* attributes, routing is not affected", t);
        }
    }

    /**
     * Makes the OpenTelemetry Java agent's current baggage say the request's lane: member
     * {@code lanes.tag} set to {@code tag}, or removed for null (a tag Lanes dropped at an entry
     * must not travel on in OpenTelemetry's baggage either). Returns the scope to close when the
     * request's entry ends, on the same thread; null when the baggage says so already, or without
     * the Java agent. Never throws.
     */
    public AutoCloseable laneInBaggage(String tag) {
        if (baggageFailed) {
            return null;
        }
        try {
            BaggageAccess access = agentBaggage;
            if (access == null) {
                access = BaggageAccess.find();
                agentBaggage = access;
            }
            return access == BaggageAccess.ABSENT ? null : access.align(tag);
        } catch (Throwable t) {
            baggageFailed = true;
            AgentLog.warn("OpenTelemetry: could not put the lane in the agent's baggage (" + t + "); its baggage"
                    + " header may not carry lanes.tag, routing here is not affected", t);
            return null;
        }
    }

    /** The OpenTelemetry Java agent's Reactor context operator, a helper it injects into Reactor's class loader. */
    static final String REACTOR_OPERATOR =
            "io.opentelemetry.javaagent.shaded.instrumentation.reactor.v3_1.ContextPropagationOperator";

    /** Per Mono class: its loader's {@code ContextPropagationOperator.runWithContext(Mono, Context)}, or null. */
    private final ClassValue<MethodHandle> runWithContext = new ClassValue<MethodHandle>() {
        @Override
        protected MethodHandle computeValue(Class<?> monoClass) {
            ClassLoader loader = monoClass.getClassLoader();
            try {
                Class<?> operator = Class.forName(REACTOR_OPERATOR, false, loader);
                Class<?> mono = Class.forName("reactor.core.publisher.Mono", false, loader);
                Class<?> context = Class.forName(BaggageAccess.SHADED + "context.Context", false, null);
                return MethodHandles.publicLookup().findStatic(operator, "runWithContext",
                                MethodType.methodType(mono, mono, context))
                        .asType(MethodType.methodType(Object.class, Object.class, Object.class));
            } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException | LinkageError e) {
                AgentLog.warn("OpenTelemetry: the Java agent's Reactor support was not found beside "
                        + monoClass.getName() + " (" + e + "); a gateway's proxied requests may carry the lanes.tag"
                        + " baggage member the client sent, x-lanes-tag is not affected");
                return null;
            }
        }
    };

    /**
     * The reactive form of {@link #laneInBaggage}, for a request a Reactor pipeline proxies (a
     * WebFlux gateway): {@code mono} set to run with the current context, its baggage saying
     * {@code tag} (null: member removed), when that baggage carried another {@code lanes.tag};
     * else {@code mono} itself. Only a context that carries the member is changed: it is then the
     * request's own, so that nothing else of it (the trace) is lost. Never throws.
     */
    public Object laneInReactiveBaggage(Object mono, String tag) {
        if (baggageFailed || mono == null) {
            return mono;
        }
        try {
            BaggageAccess access = agentBaggage;
            if (access == null) {
                access = BaggageAccess.find();
                agentBaggage = access;
            }
            if (access == BaggageAccess.ABSENT) {
                return mono;
            }
            Object aligned = access.alignedIfCarried(tag);
            if (aligned == null) {
                return mono;
            }
            MethodHandle run = runWithContext.get(mono.getClass());
            return run == null ? mono : (Object) run.invokeExact(mono, aligned);
        } catch (Throwable t) {
            baggageFailed = true;
            AgentLog.warn("OpenTelemetry: could not put the lane in the agent's baggage (" + t + "); its baggage"
                    + " header may not carry lanes.tag, routing here is not affected", t);
            return mono;
        }
    }

    /** {@code Span.current()} and {@code Span#setAttribute(String, String)} of one copy of the API. */
    static final class SpanAccess {

        static final SpanAccess ABSENT = new SpanAccess(null, null);

        private final MethodHandle current;
        private final MethodHandle setAttribute;

        private SpanAccess(MethodHandle current, MethodHandle setAttribute) {
            this.current = current;
            this.setAttribute = setAttribute;
        }

        /** The API's span type in {@code loader} (null: the bootstrap loader), or {@link #ABSENT}. */
        static SpanAccess find(String spanType, ClassLoader loader, String what) {
            Class<?> span;
            try {
                span = Class.forName(spanType, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return ABSENT;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle current = lookup.findStatic(span, "current", MethodType.methodType(span))
                        .asType(MethodType.methodType(Object.class));
                MethodHandle setAttribute = lookup.findVirtual(span, "setAttribute",
                                MethodType.methodType(span, String.class, String.class))
                        .asType(MethodType.methodType(Object.class, Object.class, String.class, String.class));
                AgentLog.info("OpenTelemetry: found " + what + "; server spans get the attributes "
                        + TAG_ATTRIBUTE + " and " + DYED_BY_ATTRIBUTE + " of tagged requests");
                return new SpanAccess(current, setAttribute);
            } catch (NoSuchMethodException | IllegalAccessException | RuntimeException | LinkageError e) {
                AgentLog.warn("OpenTelemetry: " + what + " has no usable Span.current() or Span.setAttribute(String,"
                        + " String) (" + e + "); spans go on without the lanes.* attributes");
                return ABSENT;
            }
        }

        void annotate(String tag, String dyedBy) throws Throwable {
            Object span = (Object) current.invokeExact();
            if (span != null) {
                Object ignored = (Object) setAttribute.invokeExact(span, TAG_ATTRIBUTE, tag);
                ignored = (Object) setAttribute.invokeExact(span, DYED_BY_ATTRIBUTE, dyedBy);
            }
        }
    }

    /** The Java agent's copy of {@code Context} and {@code Baggage}, on the bootstrap class path. */
    static final class BaggageAccess {

        static final BaggageAccess ABSENT = new BaggageAccess(null, null, null, null, null, null, null, null, null);
        static final String SHADED = "io.opentelemetry.javaagent.shaded.io.opentelemetry.";

        private final MethodHandle currentContext;
        private final MethodHandle fromContext;
        private final MethodHandle entryValue;
        private final MethodHandle toBuilder;
        private final MethodHandle put;
        private final MethodHandle remove;
        private final MethodHandle build;
        private final MethodHandle storeInContext;
        private final MethodHandle makeCurrent;

        private BaggageAccess(MethodHandle currentContext, MethodHandle fromContext, MethodHandle entryValue,
                              MethodHandle toBuilder, MethodHandle put, MethodHandle remove, MethodHandle build,
                              MethodHandle storeInContext, MethodHandle makeCurrent) {
            this.currentContext = currentContext;
            this.fromContext = fromContext;
            this.entryValue = entryValue;
            this.toBuilder = toBuilder;
            this.put = put;
            this.remove = remove;
            this.build = build;
            this.storeInContext = storeInContext;
            this.makeCurrent = makeCurrent;
        }

        static BaggageAccess find() {
            Class<?> context;
            Class<?> baggage;
            Class<?> builder;
            Class<?> scope;
            try {
                context = Class.forName(SHADED + "context.Context", false, null);
                baggage = Class.forName(SHADED + "api.baggage.Baggage", false, null);
                builder = Class.forName(SHADED + "api.baggage.BaggageBuilder", false, null);
                scope = Class.forName(SHADED + "context.Scope", false, null);
            } catch (ClassNotFoundException | LinkageError e) {
                return ABSENT;
            }
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodType toObject = MethodType.methodType(Object.class, Object.class);
                BaggageAccess access = new BaggageAccess(
                        lookup.findStatic(context, "current", MethodType.methodType(context))
                                .asType(MethodType.methodType(Object.class)),
                        lookup.findStatic(baggage, "fromContext", MethodType.methodType(baggage, context))
                                .asType(toObject),
                        lookup.findVirtual(baggage, "getEntryValue", MethodType.methodType(String.class, String.class))
                                .asType(MethodType.methodType(String.class, Object.class, String.class)),
                        lookup.findVirtual(baggage, "toBuilder", MethodType.methodType(builder)).asType(toObject),
                        lookup.findVirtual(builder, "put", MethodType.methodType(builder, String.class, String.class))
                                .asType(MethodType.methodType(Object.class, Object.class, String.class, String.class)),
                        lookup.findVirtual(builder, "remove", MethodType.methodType(builder, String.class))
                                .asType(MethodType.methodType(Object.class, Object.class, String.class)),
                        lookup.findVirtual(builder, "build", MethodType.methodType(baggage)).asType(toObject),
                        lookup.findVirtual(baggage, "storeInContext", MethodType.methodType(context, context))
                                .asType(MethodType.methodType(Object.class, Object.class, Object.class)),
                        lookup.findVirtual(context, "makeCurrent", MethodType.methodType(scope)).asType(toObject));
                AgentLog.info("OpenTelemetry: found the OpenTelemetry Java agent's baggage; the request's lane is"
                        + " kept in it as " + dev.lanes.bridge.TrafficContext.BAGGAGE_KEY
                        + ", so that the agent's own baggage header carries it");
                return access;
            } catch (NoSuchMethodException | IllegalAccessException | RuntimeException | LinkageError e) {
                AgentLog.warn("OpenTelemetry: the Java agent's Context or Baggage is not as expected (" + e
                        + "); its baggage header may not carry lanes.tag, routing here is not affected");
                return ABSENT;
            }
        }

        /**
         * The current context with its baggage saying {@code tag}, when it carries a different
         * {@code lanes.tag}; null when it carries none or the same.
         */
        Object alignedIfCarried(String tag) throws Throwable {
            Object context = (Object) currentContext.invokeExact();
            Object current = (Object) fromContext.invokeExact(context);
            String key = dev.lanes.bridge.TrafficContext.BAGGAGE_KEY;
            String carried = (String) entryValue.invokeExact(current, key);
            if (carried == null || carried.equals(tag)) {
                return null;
            }
            Object builder = (Object) toBuilder.invokeExact(current);
            builder = tag == null ? (Object) remove.invokeExact(builder, key) : (Object) put.invokeExact(builder, key, tag);
            Object changed = (Object) build.invokeExact(builder);
            return (Object) storeInContext.invokeExact(changed, context);
        }

        AutoCloseable align(String tag) throws Throwable {
            Object context = (Object) currentContext.invokeExact();
            Object current = (Object) fromContext.invokeExact(context);
            String key = dev.lanes.bridge.TrafficContext.BAGGAGE_KEY;
            String carried = (String) entryValue.invokeExact(current, key);
            if (tag == null ? carried == null : tag.equals(carried)) {
                return null;
            }
            Object builder = (Object) toBuilder.invokeExact(current);
            builder = tag == null ? (Object) remove.invokeExact(builder, key) : (Object) put.invokeExact(builder, key, tag);
            Object changed = (Object) build.invokeExact(builder);
            Object withLane = (Object) storeInContext.invokeExact(changed, context);
            return (AutoCloseable) (Object) makeCurrent.invokeExact(withLane);
        }
    }
}
