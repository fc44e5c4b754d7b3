package dev.lanes.plugin.gateway.mvc;

import java.util.Iterator;
import java.util.stream.Stream;
import org.springframework.beans.factory.ObjectProvider;

/**
 * The request header filters the MVC gateway's {@code ProxyExchangeHandlerFunction} is built
 * with, as the application context provides them, and the agent's {@link LanesHeadersFilter}
 * last: the gateway reads them with {@code orderedStream()} on every line (4.1 to 5.x).
 */
public final class LanesFilterProvider implements ObjectProvider<Object> {

    private final ObjectProvider<Object> beans;
    private final LanesHeadersFilter filter = new LanesHeadersFilter();

    LanesFilterProvider(ObjectProvider<Object> beans) {
        this.beans = beans;
    }

    @Override
    public Object getObject() {
        return beans.getObject();
    }

    @Override
    public Object getObject(Object... args) {
        return beans.getObject(args);
    }

    @Override
    public Object getIfAvailable() {
        return beans.getIfAvailable();
    }

    @Override
    public Object getIfUnique() {
        return beans.getIfUnique();
    }

    @Override
    public Stream<Object> stream() {
        return Stream.concat(beans.stream(), Stream.<Object>of(filter));
    }

    @Override
    public Stream<Object> orderedStream() {
        return Stream.concat(beans.orderedStream(), Stream.<Object>of(filter));
    }

    @Override
    public Iterator<Object> iterator() {
        return stream().iterator();
    }
}
