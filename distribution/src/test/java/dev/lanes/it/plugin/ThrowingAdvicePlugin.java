package dev.lanes.it.plugin;

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

/** A test extension whose advice throws at run time: the application must not notice. */
public final class ThrowingAdvicePlugin implements LanesPlugin {

    @Override
    public String name() {
        return "throwing-advice";
    }

    @Override
    public Support support(ClassLoader loader) {
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return Collections.<TypeInstrumentation>singletonList(new GreeterInstrumentation());
    }

    /** Instruments example.app.Greeter#greet. */
    public static final class GreeterInstrumentation implements TypeInstrumentation {
        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return named("example.app.Greeter");
        }

        @Override
        public void transform(AdviceTarget target) {
            target.applyAdvice(named("greet"), GreeterInstrumentation.class.getName() + "$ThrowingAdvice");
        }

        /** Throws on entry and on exit. */
        public static final class ThrowingAdvice {
            @Advice.OnMethodEnter(suppress = Throwable.class)
            public static void enter() {
                throw new IllegalStateException("test advice fails on entry on purpose");
            }

            @Advice.OnMethodExit(suppress = Throwable.class)
            public static void exit() {
                throw new IllegalStateException("test advice fails on exit on purpose");
            }
        }
    }
}
