package dev.lanes.core.plugins.tagloss;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TagLoss;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.PluginInstaller;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK's {@code java.net.http.HttpClient} (Java 11+): its implementation's
 * {@code sendAsync(request, handler, pushHandler, executor)}, which {@code send} and every
 * {@code sendAsync} go through once per request.
 */
public final class JdkHttpClientInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(PluginInstaller.JDK_HTTP_CLIENT);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("sendAsync").and(takesArguments(4)),
                JdkHttpClientInstrumentation.class.getName() + "$SendAdvice");
    }

    /** Counts a tagged request's call that goes out without the tag header. */
    public static final class SendAdvice {
        private SendAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) Object request) {
            TagLoss.checkJdkRequest(request);
        }
    }
}
