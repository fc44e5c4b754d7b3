package dev.lanes.plugin.dubbo.v3;

import dev.lanes.core.plugin.AdviceTarget;
import dev.lanes.core.plugin.TypeInstrumentation;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

import java.util.List;
import java.util.Set;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * {@code org.apache.dubbo.common.extension.ExtensionLoader#getActivateExtension(URL, String, String)}
 * (exit): where Dubbo 3.x collects the filters of a consumer or provider chain
 * ({@code DefaultFilterChainBuilder}), the state router factories of a router chain
 * ({@code RouterChain}) and the metadata parameter filters ({@code MetadataInfo}). The Lanes
 * extensions join that list, as if the application declared them in its SPI files; nothing
 * else of Dubbo is changed. And {@code #getSupportedExtensionInstances()} (exit): where
 * {@code MigrationInvoker} collects the address comparators it asks before moving a consumer
 * between interface-level and application-level addresses; the Lanes comparator joins them.
 */
public final class ExtensionLoaderInstrumentation implements TypeInstrumentation {

    static final String EXTENSION_LOADER = "org.apache.dubbo.common.extension.ExtensionLoader";

    @Override
    public ElementMatcher<TypeDescription> typeMatcher() {
        return named(EXTENSION_LOADER);
    }

    @Override
    public void transform(AdviceTarget target) {
        target.applyAdvice(named("getActivateExtension").and(takesArguments(3))
                        .and(takesArgument(0, named("org.apache.dubbo.common.URL")))
                        .and(takesArgument(1, String.class)).and(takesArgument(2, String.class)),
                ExtensionLoaderInstrumentation.class.getName() + "$GetActivateExtensionAdvice");
        target.applyAdvice(named("getSupportedExtensionInstances").and(takesArguments(0)),
                ExtensionLoaderInstrumentation.class.getName() + "$GetSupportedExtensionInstancesAdvice");
    }

    /** Adds the Lanes extensions to the activated ones. */
    public static final class GetActivateExtensionAdvice {

        private GetActivateExtensionAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.FieldValue("type") Class<?> type, @Advice.Argument(2) String group,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) List<?> activated) {
            activated = Dubbo3Extensions.activated(type, group, activated);
        }
    }

    /** Adds the Lanes address comparator to the supported ones. */
    public static final class GetSupportedExtensionInstancesAdvice {

        private GetSupportedExtensionInstancesAdvice() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.FieldValue("type") Class<?> type,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Set<?> supported) {
            supported = Dubbo3Extensions.supported(type, supported);
        }
    }
}
