package dev.lanes.it.probe;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.Collections;
import java.util.List;

import static net.bytebuddy.matcher.ElementMatchers.named;

/**
 * A test extension: every answer of example.app.Greeter#greet gets the instance the routing
 * engine chooses for one call to "probe-service" among fixed candidates, so that the
 * application's answer shows which rules were in force for that request.
 */
public final class RoutingProbePlugin implements LanesPlugin {

    @Override
    public String name() {
        return "routing-probe";
    }

    @Override
    public Support support(ClassLoader loader) {
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new GreeterInstrumentation());
    }

    @Override
    public List<String> helperClassNames() {
        return java.util.Arrays.asList(ProbeHelper.class.getName(), ProbeHelper.View.class.getName());
    }

    /** Instruments example.app.Greeter#greet. */
    public static final class GreeterInstrumentation implements TypeInstrumentation {
        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("example.app.Greeter");
        }

        @Override
        public void transform(AdviceTarget target) {
            target.applyAdvice(named("greet"), GreeterInstrumentation.class.getName() + "$ProbeAdvice");
        }

        /** Appends " routed=<instance>" to the answer. */
        public static final class ProbeAdvice {
            @Advice.OnMethodExit(suppress = Throwable.class)
            public static void exit(@Advice.Return(readOnly = false) String answer) {
                answer = answer + " routed=" + ProbeHelper.route();
            }
        }
    }
}
