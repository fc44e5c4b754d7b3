package dev.lanes.rules.nacos;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Nacos naming server and its clients, in memory, behind nacos-client's {@link NamingService}
 * interface: only the methods the source uses (register, deregister, list, shut down), as a
 * proxy; ephemeral instances vanish when the client that registered them shuts down, as they do
 * when a real client's connection ends. Any other method fails the test.
 */
final class InMemoryNaming {

    /** Instances by "group@@service". */
    final Map<String, List<Instance>> services = new ConcurrentHashMap<>();
    final List<Properties> created = new CopyOnWriteArrayList<>();
    final AtomicInteger shutDowns = new AtomicInteger();
    final AtomicInteger failNextRegistrations = new AtomicInteger();
    /** The threads that registered, by name. */
    final List<String> registeredOn = new CopyOnWriteArrayList<>();

    NacosRuleSource.NamingServiceFactory factory() {
        return properties -> {
            created.add(properties);
            return client();
        };
    }

    List<Instance> instances(String group, String service) {
        return new ArrayList<>(services.getOrDefault(group + "@@" + service, List.of()));
    }

    private NamingService client() {
        List<Instance> mine = new CopyOnWriteArrayList<>();
        return (NamingService) Proxy.newProxyInstance(NamingService.class.getClassLoader(),
                new Class<?>[] {NamingService.class}, (proxy, method, args) -> {
                    switch (method.getName() + "/" + (args == null ? 0 : args.length)) {
                        case "registerInstance/3": {
                            if (failNextRegistrations.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                throw new NacosException(NacosException.SERVER_ERROR, "Client not connected");
                            }
                            Instance i = (Instance) args[2];
                            registeredOn.add(Thread.currentThread().getName());
                            services.computeIfAbsent(args[1] + "@@" + args[0], k -> new CopyOnWriteArrayList<>()).add(i);
                            mine.add(i);
                            return null;
                        }
                        case "deregisterInstance/3": {
                            Instance i = (Instance) args[2];
                            services.getOrDefault(args[1] + "@@" + args[0], new ArrayList<>()).remove(i);
                            mine.remove(i);
                            return null;
                        }
                        case "getAllInstances/3":
                            return instances((String) args[1], (String) args[0]);
                        case "shutDown/0":
                            shutDowns.incrementAndGet();
                            for (List<Instance> list : services.values()) {
                                list.removeAll(mine);
                            }
                            return null;
                        case "hashCode/0":
                            return System.identityHashCode(proxy);
                        case "equals/1":
                            return proxy == args[0];
                        case "toString/0":
                            return "InMemoryNaming client";
                        default:
                            throw new UnsupportedOperationException("the in-memory naming double has no " + method);
                    }
                });
    }
}
