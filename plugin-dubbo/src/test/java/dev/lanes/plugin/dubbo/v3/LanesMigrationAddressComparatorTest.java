package dev.lanes.plugin.dubbo.v3;

import static dev.lanes.plugin.dubbo.Fixtures.list;
import static dev.lanes.plugin.dubbo.Fixtures.provider;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanes.plugin.dubbo.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.dubbo.common.URL;
import org.apache.dubbo.registry.client.migration.DefaultMigrationAddressComparator;
import org.apache.dubbo.registry.client.migration.MigrationAddressComparator;
import org.apache.dubbo.rpc.Invoker;
import org.apache.dubbo.rpc.cluster.ClusterInvoker;
import org.apache.dubbo.rpc.cluster.Directory;
import org.apache.dubbo.rpc.cluster.directory.StaticDirectory;
import org.apache.dubbo.rpc.cluster.support.FailoverClusterInvoker;
import org.apache.dubbo.rpc.cluster.router.state.StateRouterFactory;
import org.apache.dubbo.rpc.model.ApplicationModel;
import org.junit.jupiter.api.Test;

/**
 * The comparator that keeps a Dubbo 3 consumer on the address list it uses until the other
 * list has every lane: alone, and together with Dubbo's default comparator as
 * {@code MigrationInvoker} asks them (every comparator must agree).
 */
class LanesMigrationAddressComparatorTest {

    private final Invoker<Object> base = provider(20880, "");
    private final Invoker<Object> gray = provider(20881, "lanes.tag=gray");
    private final Invoker<Object> otherBase = provider(20882, "");
    private final Invoker<Object> otherGray = provider(20883, "lanes.tag=gray");
    private final Invoker<Object> dev1 = provider(20884, "lanes.tag=dev1");

    @Test
    void aListMissingALaneOfTheListInUseIsNotMovedTo() {
        assertEquals(Set.of("gray"), LanesMigrationAddressComparator.missingLanes(List.of(otherBase),
                List.of(base, gray)));
        assertEquals(Set.of("base"), LanesMigrationAddressComparator.missingLanes(List.of(otherGray),
                List.of(base, gray)));
        assertEquals(Set.of("dev1"), LanesMigrationAddressComparator.missingLanes(List.of(otherBase, otherGray),
                List.of(base, gray, dev1)));
        // Only untagged providers in use: a tagged-only list would send untagged calls into a lane.
        assertEquals(Set.of("base"), LanesMigrationAddressComparator.missingLanes(List.of(otherGray), List.of(base)));
    }

    @Test
    void aListWithEveryLaneOrNoTagsAnywhereIsLeftToDubbo() {
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(List.of(otherBase, otherGray),
                List.of(base, gray)));
        // More lanes in the new list lose nothing.
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(List.of(otherBase, otherGray, dev1),
                List.of(base, gray)));
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(List.of(otherBase), List.of(base)));
        // An empty list on either side: Dubbo's own comparator has the rules for that.
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(List.of(), List.of(base, gray)));
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(List.of(otherBase), List.of()));
        assertEquals(Set.of(), LanesMigrationAddressComparator.missingLanes(null, null));
    }

    @Test
    void withDubbosDefaultComparatorAConsumerMovesOnlyOnceEveryLaneIsThere() {
        MigrationAddressComparator dubbos = new DefaultMigrationAddressComparator();
        MigrationAddressComparator lanes = LanesMigrationAddressComparator.INSTANCE;
        ClusterInvoker<Object> interfaceLevel = cluster(base, gray);

        // The first application-level provider is a base one: Dubbo alone would move at once.
        ClusterInvoker<Object> onlyBase = cluster(otherBase);
        assertTrue(dubbos.shouldMigrate(onlyBase, interfaceLevel, null));
        assertFalse(lanes.shouldMigrate(onlyBase, interfaceLevel, null));

        ClusterInvoker<Object> both = cluster(otherBase, otherGray);
        assertTrue(dubbos.shouldMigrate(both, interfaceLevel, null));
        assertTrue(lanes.shouldMigrate(both, interfaceLevel, null));

        // No provider yet: Dubbo's comparator says no on its own.
        ClusterInvoker<Object> none = new FailoverClusterInvoker<>(new StaticDirectory<>(url(), list(otherBase)) {
            @Override
            public List<Invoker<Object>> getAllInvokers() {
                return List.of();
            }

            @Override
            public boolean isEmpty() {
                return true;
            }
        });
        assertFalse(dubbos.shouldMigrate(none, interfaceLevel, null));
        assertTrue(lanes.shouldMigrate(none, interfaceLevel, null));
    }

    @Test
    void aFaultAgreesWithDubbo() {
        ClusterInvoker<Object> broken = new FailoverClusterInvoker<Object>(new StaticDirectory<>(url(), list(otherBase))) {
            @Override
            public Directory<Object> getDirectory() {
                throw new IllegalStateException("broken on purpose");
            }
        };
        assertTrue(LanesMigrationAddressComparator.INSTANCE.shouldMigrate(broken, cluster(base, gray), null));
    }

    @Test
    void theComparatorJoinsDubbosOwnForMigrationOnly() {
        ApplicationModel model = ApplicationModel.defaultModel();
        Set<MigrationAddressComparator> dubbos = model.getExtensionLoader(MigrationAddressComparator.class)
                .getSupportedExtensionInstances();
        Set<?> joined = Dubbo3Extensions.supported(MigrationAddressComparator.class, dubbos);
        List<Object> expected = new ArrayList<>(dubbos);
        expected.add(LanesMigrationAddressComparator.INSTANCE);
        assertEquals(expected, new ArrayList<>(joined));
        assertTrue(expected.get(0) instanceof DefaultMigrationAddressComparator, expected.toString());
        // Asked again with the joined set: no second copy.
        assertSame(joined, Dubbo3Extensions.supported(MigrationAddressComparator.class, joined));

        Set<Object> others = new LinkedHashSet<>(List.of("x"));
        assertSame(others, Dubbo3Extensions.supported(StateRouterFactory.class, others));
        assertSame(null, Dubbo3Extensions.supported(MigrationAddressComparator.class, null));
    }

    @SafeVarargs
    private static ClusterInvoker<Object> cluster(Invoker<Object>... providers) {
        return new FailoverClusterInvoker<>(new StaticDirectory<>(url(), list(providers)));
    }

    /** The consumer URL in Dubbo's default application, where the default comparator reads its threshold. */
    private static URL url() {
        return Fixtures.consumerUrl().setScopeModel(ApplicationModel.defaultModel().getDefaultModule());
    }
}
