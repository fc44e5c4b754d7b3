package dev.lanes.plugin.dubbo.common;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * {@code org.apache.dubbo.config.ServiceConfig#export} ({@code export()} in 2.7 and 3.1,
 * {@code export(RegisterTypeEnum)} in 3.2 and 3.3): every way of exporting a service (the API,
 * Spring XML and annotations, the bootstrap) goes through it before the provider URL is
 * built, so the parameters added here reach every registry and the metadata.
 */
public final class ServiceConfigInstrumentation implements TypeInstrumentation {

    static final String SERVICE_CONFIG = "org.apache.dubbo.config.ServiceConfig";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(SERVICE_CONFIG);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("export").and(not(isAbstract())),
                ServiceConfigInstrumentation.class.getName() + "$ExportAdvice");
    }

    /** Adds the parameters before Dubbo reads them. */
    public static final class ExportAdvice {

        private ExportAdvice() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.This Object config) {
            ServiceParameters.beforeExport(config);
        }
    }
}
