package dev.lanes.plugin.springcloud.web.client;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code DefaultWebClientBuilder#build()} (5.3 to 7; every {@code WebClient}, including
 * {@code WebClient.create()} and {@code mutate()}, is built there): registers the Lanes
 * exchange filter, WebClient's own extension point, ahead of the application's filters.
 */
public final class WebClientBuilderInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named("org.springframework.web.reactive.function.client.DefaultWebClientBuilder");
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("build").and(takesArguments(0)),
                WebClientBuilderInstrumentation.class.getName() + "$BuildAdvice");
    }

    /** Adds the filter to the builder. */
    public static final class BuildAdvice {
        private BuildAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object builder) {
            WebClientHelper.beforeBuild(builder);
        }
    }
}
