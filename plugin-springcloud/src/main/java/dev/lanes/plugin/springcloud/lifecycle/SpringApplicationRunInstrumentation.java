package dev.lanes.plugin.springcloud.lifecycle;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code SpringApplication#run(String...)} (Boot 2.x to 4.x): from its start, Boot's ready event
 * is what registrations wait for. Without it the first sign of Boot is an event the context
 * publishes once its beans exist (the web server's), and a registration made while the beans
 * are created (a Dubbo service exported by a bean of the application, say) would go through
 * before the application is ready.
 */
public final class SpringApplicationRunInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.boot.SpringApplication");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("run").and(takesArguments(1)).and(takesArgument(0, String[].class)),
                SpringApplicationRunInstrumentation.class.getName() + "$RunAdvice");
    }

    /** Tells the lifecycle that Boot's ready event will come. */
    public static final class RunAdvice {

        private RunAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            SpringLifecycleHelper.bootStarting();
        }
    }
}
