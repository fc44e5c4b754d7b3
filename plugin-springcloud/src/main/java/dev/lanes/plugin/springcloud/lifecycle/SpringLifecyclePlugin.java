package dev.lanes.plugin.springcloud.lifecycle;

import dev.lanes.core.plugin.LanesPlugin;
import dev.lanes.core.plugin.Support;
import dev.lanes.core.plugin.TypeInstrumentation;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Lossless online and offline for Spring Boot 2.x to 4.x: the application's ready point
 * releases the registrations held back, and the close of its context deregisters and drains
 * before any bean stops (the web server included).
 */
public final class SpringLifecyclePlugin implements LanesPlugin {

    /** Spring Boot's ready event, in every Boot line from 2.0 to 4.0. */
    static final String MARKER = "org/springframework/boot/context/event/ApplicationReadyEvent.class";

    private static final List<TypeInstrumentation> INSTRUMENTATIONS = Collections.unmodifiableList(
            Arrays.<TypeInstrumentation>asList(new SpringApplicationRunInstrumentation(),
                    new ApplicationContextEventsInstrumentation()));

    @Override
    public String name() {
        return "springboot";
    }

    @Override
    public Support support(ClassLoader loader) {
        if (loader == null || loader.getResource(MARKER) == null) {
            return Support.unsupported("Spring Boot not found (no " + MARKER + "); supported: Spring Boot 2.x to 4.x");
        }
        return Support.SUPPORTED;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return INSTRUMENTATIONS;
    }

    @Override
    public List<String> helperClassNames() {
        return Collections.singletonList(SpringLifecyclePlugin.class.getPackage().getName() + ".SpringLifecycleHelper");
    }
}
