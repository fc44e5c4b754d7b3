package dev.lanes.plugin.springcloud.lifecycle;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code AbstractApplicationContext#publishEvent(Object, ResolvableType)}, the method every
 * event of a Spring context (5.2 to 7) goes through: after Boot's {@code ApplicationReadyEvent}
 * the application is ready; before the {@code ContextClosedEvent} of that context (the first
 * step of {@code close()}, before lifecycle beans such as the web server stop, graceful or not)
 * the instance deregisters and drains.
 */
public final class ApplicationContextEventsInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.context.support.AbstractApplicationContext");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("publishEvent").and(takesArguments(2)),
                ApplicationContextEventsInstrumentation.class.getName() + "$PublishEventAdvice");
    }

    /** Calls the helper before and after listeners see the event. */
    public static final class PublishEventAdvice {

        private PublishEventAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object context, @Advice.Argument(0) Object event) {
            SpringLifecycleHelper.beforeListeners(context, event);
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object context, @Advice.Argument(0) Object event) {
            SpringLifecycleHelper.afterListeners(context, event);
        }
    }
}
