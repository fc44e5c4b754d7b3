package dev.lanes.core.plugins.tagloss;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.lanes.bridge.TagLoss;
import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.PluginInstaller;
import dev.lanes.core.plugin.TypeInstrumentation;
import java.net.URLConnection;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The JDK's {@code HttpURLConnection} ({@code sun.net.www.protocol.http.HttpURLConnection}, also
 * behind HTTPS): {@code connect()}, {@code getOutputStream()} and {@code getInputStream()}, the
 * first of which sends a request (on a new or a kept-alive connection) while its request
 * headers can still be read. Each connection object is checked once.
 */
public final class HttpUrlConnectionInstrumentation implements TypeInstrumentation {

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(PluginInstaller.JDK_HTTP_URL_CONNECTION);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("connect").or(named("getOutputStream")).or(named("getInputStream"))
                        .and(takesArguments(0)),
                HttpUrlConnectionInstrumentation.class.getName() + "$ConnectAdvice");
    }

    /** Counts a tagged request's call that goes out without the tag header. */
    public static final class ConnectAdvice {
        private ConnectAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This URLConnection connection) {
            TagLoss.check(connection);
        }
    }
}
