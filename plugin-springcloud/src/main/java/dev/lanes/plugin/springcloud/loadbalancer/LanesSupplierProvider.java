package dev.lanes.plugin.springcloud.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The provider of a service's {@link ServiceInstanceListSupplier} as
 * {@code NamedContextFactory.getProvider} hands it out, and so {@code getLazyProvider}, through
 * which the framework's balancers (and custom ones written the documented way) obtain it: every
 * supplier it yields has the lanes on top ({@link LanesServiceInstanceListSupplier}). The last
 * wrapper is kept, so a balancer that asks on every call gets the same one back. Every method of
 * Spring 5.3's interface is implemented; the filtered streams Spring 6.2 added default to
 * {@link #stream()}, so they yield wrapped suppliers too.
 */
final class LanesSupplierProvider implements ObjectProvider<ServiceInstanceListSupplier> {

    private final ObjectProvider<ServiceInstanceListSupplier> delegate;
    private volatile LanesServiceInstanceListSupplier last;

    LanesSupplierProvider(ObjectProvider<ServiceInstanceListSupplier> delegate) {
        this.delegate = delegate;
    }

    ObjectProvider<ServiceInstanceListSupplier> delegate() {
        return delegate;
    }

    private ServiceInstanceListSupplier lanes(ServiceInstanceListSupplier supplier) {
        if (supplier == null || supplier instanceof LanesServiceInstanceListSupplier) {
            return supplier;
        }
        LanesServiceInstanceListSupplier cached = last;
        if (cached != null && cached.delegate() == supplier) {
            return cached;
        }
        LanesServiceInstanceListSupplier wrapper = new LanesServiceInstanceListSupplier(supplier);
        last = wrapper;
        return wrapper;
    }

    @Override
    public ServiceInstanceListSupplier getObject() {
        return lanes(delegate.getObject());
    }

    @Override
    public ServiceInstanceListSupplier getObject(Object... args) {
        return lanes(delegate.getObject(args));
    }

    @Override
    public ServiceInstanceListSupplier getIfAvailable() {
        return lanes(delegate.getIfAvailable());
    }

    @Override
    public ServiceInstanceListSupplier getIfAvailable(Supplier<ServiceInstanceListSupplier> defaultSupplier) {
        return lanes(delegate.getIfAvailable(defaultSupplier));
    }

    @Override
    public void ifAvailable(Consumer<ServiceInstanceListSupplier> consumer) {
        ServiceInstanceListSupplier supplier = getIfAvailable();
        if (supplier != null) {
            consumer.accept(supplier);
        }
    }

    @Override
    public ServiceInstanceListSupplier getIfUnique() {
        return lanes(delegate.getIfUnique());
    }

    @Override
    public ServiceInstanceListSupplier getIfUnique(Supplier<ServiceInstanceListSupplier> defaultSupplier) {
        return lanes(delegate.getIfUnique(defaultSupplier));
    }

    @Override
    public void ifUnique(Consumer<ServiceInstanceListSupplier> consumer) {
        ServiceInstanceListSupplier supplier = getIfUnique();
        if (supplier != null) {
            consumer.accept(supplier);
        }
    }

    @Override
    public Iterator<ServiceInstanceListSupplier> iterator() {
        return all(delegate.stream()).iterator();
    }

    @Override
    public Stream<ServiceInstanceListSupplier> stream() {
        return all(delegate.stream()).stream();
    }

    @Override
    public Stream<ServiceInstanceListSupplier> orderedStream() {
        return all(delegate.orderedStream()).stream();
    }

    private List<ServiceInstanceListSupplier> all(Stream<ServiceInstanceListSupplier> suppliers) {
        List<ServiceInstanceListSupplier> out = new ArrayList<ServiceInstanceListSupplier>();
        Iterator<ServiceInstanceListSupplier> it = suppliers.iterator();
        while (it.hasNext()) {
            out.add(LanesServiceInstanceListSupplier.of(it.next()));
        }
        return out;
    }

    @Override
    public String toString() {
        return "LanesSupplierProvider[" + delegate + "]";
    }
}
