package dev.lanes.demo.app;

import java.util.Map;

/**
 * A call to the next hop over Dubbo, for {@code demo.next=dubbo:<service>}. Implemented only in
 * the builds that carry Dubbo (demo-app/src/dubbo); the plain builds have no such bean.
 */
public interface DubboNext {

    /** Calls the next hop's {@code chain(argument)} and returns its answer (hops, error). */
    Map<String, Object> chain(String argument);
}
