package dev.lanes.core.lifecycle;

import dev.lanes.bridge.Lifecycle;
import dev.lanes.core.lifecycle.LosslessLifecycle.Phase;
import dev.lanes.core.rules.LosslessSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LosslessLifecycleTest {

    /** A hand-driven world: the clock moves only when the drain sleeps or the test says so. */
    static final class World implements LosslessLifecycle.Timer, LosslessLifecycle.Requests, LosslessLifecycle.Sleeper {
        long now = 1_000_000L;
        int inFlight;
        long arrivals;
        final List<Runnable> scheduled = new ArrayList<>();
        final List<Long> delays = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        /** Called on every drain poll with the time elapsed since draining began. */
        java.util.function.LongConsumer duringDrain = t -> { };
        long drainStart = -1;
        LosslessSettings settings = new LosslessSettings(0L, 30_000L);

        LosslessLifecycle lifecycle() {
            LosslessLifecycle lifecycle = new LosslessLifecycle(() -> settings, () -> now, this, this, this, 1_000L);
            lifecycle.readyExpected("test");
            return lifecycle;
        }

        @Override
        public void schedule(Runnable task, long delayMillis) {
            scheduled.add(task);
            delays.add(delayMillis);
        }

        @Override
        public int inFlight() {
            return inFlight;
        }

        @Override
        public long arrivals() {
            return arrivals;
        }

        @Override
        public void sleep(long millis) {
            if (drainStart < 0) {
                drainStart = now;
            }
            now += millis;
            duringDrain.accept(now - drainStart);
        }

        Runnable log(String event) {
            return () -> events.add(event);
        }
    }

    final World world = new World();

    @AfterEach
    void notClosing() {
        Lifecycle.closing(false);
    }

    @Nested
    class Online {

        @Test
        void aRegistrationBeforeReadyIsHeldAndMadeWhenReady() {
            LosslessLifecycle lifecycle = world.lifecycle();
            assertTrue(lifecycle.holdRegistration("zookeeper:orders", world.log("register"), world.log("deregister")));
            assertEquals(Phase.STARTING, lifecycle.phase());
            assertFalse(lifecycle.ready());
            assertTrue(world.events.isEmpty());

            lifecycle.ready("test");

            assertEquals(List.of("register"), world.events);
            assertEquals(Phase.REGISTERED, lifecycle.phase());
            assertTrue(lifecycle.ready());
            assertNull(lifecycle.toMap().get("notReadyBecause"));
        }

        @Test
        void withADelayTheRegistrationWaitsForTheTimer() {
            world.settings = new LosslessSettings(5_000L, 30_000L);
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister"));

            lifecycle.ready("test");

            assertEquals(Phase.REGISTERING, lifecycle.phase());
            assertTrue(world.events.isEmpty());
            assertEquals(List.of(60_000L, 5_000L), world.delays, "the ready timeout, then the delay");
            assertTrue(((String) lifecycle.toMap().get("notReadyBecause")).contains("5000 ms"));

            world.scheduled.get(1).run();

            assertEquals(List.of("register"), world.events);
            assertEquals(Phase.REGISTERED, lifecycle.phase());
        }

        @Test
        void aRegistrationDuringTheDelayJoinsTheHeldOnes() {
            world.settings = new LosslessSettings(5_000L, 30_000L);
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.ready("test");
            assertTrue(lifecycle.holdRegistration("late", world.log("register late"), world.log("x")));

            world.scheduled.get(0).run();

            assertEquals(List.of("register late"), world.events);
        }

        @Test
        void afterReadyARegistrationGoesAheadAndIsUndoneAtShutdown() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.ready("test");

            assertFalse(lifecycle.holdRegistration("manual", world.log("register"), world.log("deregister manual")));
            lifecycle.registered("dubbo", world.log("deregister dubbo"));
            lifecycle.shutdown("test");

            assertEquals(List.of("deregister manual", "deregister dubbo"), world.events);
        }

        @Test
        void anApplicationNotReadyWithinTheReadyTimeoutRegistersAnyway() {
            world.settings = new LosslessSettings(5_000L, 30_000L, 20_000L);
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister"));
            lifecycle.holdRegistration("orders-2", world.log("register 2"), world.log("deregister 2"));
            assertEquals(List.of(20_000L), world.delays, "one limit, from the first registration held");

            world.scheduled.get(0).run();

            assertEquals(List.of("register", "register 2"), world.events);
            assertEquals(Phase.REGISTERED, lifecycle.phase());
            lifecycle.ready("late");
            assertEquals(List.of("register", "register 2"), world.events, "ready later registers nothing twice");
        }

        @Test
        void theReadyTimeoutDoesNothingOnceReady() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister"));
            lifecycle.ready("test");
            world.scheduled.get(0).run();

            assertEquals(List.of("register"), world.events);
        }

        @Test
        void aRegistrationAfterOneThatWentThroughBeforeAnyReadySignalIsNotHeld() {
            // A Dubbo export during the context's refresh, before the first Boot event says a
            // ready signal will come; then the Spring Cloud registration at the web server's start.
            LosslessLifecycle lifecycle = new LosslessLifecycle(() -> world.settings, () -> world.now, world, world,
                    world, 1_000L);
            assertFalse(lifecycle.holdRegistration("dubbo provider", world.log("register dubbo"),
                    world.log("deregister dubbo")));
            lifecycle.readyExpected("Spring Boot ApplicationReadyEvent");

            assertFalse(lifecycle.holdRegistration("zookeeper:service-d", world.log("register d"),
                    world.log("deregister d")), "the instance counts as registered already: no phase to wait for");
            lifecycle.ready("test");
            assertEquals(Phase.REGISTERED, lifecycle.phase());
            assertTrue(world.scheduled.isEmpty(), "nothing left waiting");
        }

        @Test
        void onlyTheSignalExpectedFirstMakesTheApplicationReady() {
            // Spring Boot's run starts first; Dubbo starts inside it and says it started.
            LosslessLifecycle lifecycle = new LosslessLifecycle(() -> world.settings, () -> world.now, world, world,
                    world, 1_000L);
            lifecycle.readyExpected("Spring Boot ApplicationReadyEvent");
            lifecycle.readyExpected("Dubbo application started");
            assertTrue(lifecycle.holdRegistration("dubbo provider", world.log("register"), world.log("deregister")));

            lifecycle.ready("Dubbo application started");
            assertTrue(world.events.isEmpty(), "Dubbo's start is not the application's ready point here");
            assertEquals(Phase.STARTING, lifecycle.phase());

            lifecycle.ready("Spring Boot ApplicationReadyEvent");
            assertEquals(List.of("register"), world.events);
            assertEquals(Phase.REGISTERED, lifecycle.phase());
        }

        @Test
        void withoutSpringBootDubbosStartIsTheReadyPoint() {
            LosslessLifecycle lifecycle = new LosslessLifecycle(() -> world.settings, () -> world.now, world, world,
                    world, 1_000L);
            lifecycle.readyExpected("Dubbo application started");
            assertTrue(lifecycle.holdRegistration("dubbo provider", world.log("register"), world.log("deregister")));
            assertTrue(lifecycle.holdRegistration("dubbo instance", world.log("register instance"),
                    world.log("deregister instance")));

            lifecycle.ready("Dubbo application started");
            assertEquals(List.of("register", "register instance"), world.events);
        }

        @Test
        void anApplicationThatNeverBecomesReadyNeverRegisters() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister"));

            lifecycle.shutdown("start failed");
            lifecycle.ready("too late");

            assertTrue(world.events.isEmpty());
            assertEquals(Phase.STOPPED, lifecycle.phase());
            assertTrue(((String) lifecycle.toMap().get("notReadyBecause")).contains("before it was ready"));
            assertFalse(Lifecycle.closing());
        }

        @Test
        void aShutdownDuringTheDelayCancelsTheRegistration() {
            world.settings = new LosslessSettings(5_000L, 30_000L);
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister"));
            lifecycle.ready("test");

            lifecycle.shutdown("test");
            world.scheduled.get(1).run();
            world.scheduled.get(0).run();

            assertTrue(world.events.isEmpty());
            assertEquals(Phase.STOPPED, lifecycle.phase());
        }

        @Test
        void withoutAPluginThatSeesTheReadyPointNothingIsHeld() {
            LosslessLifecycle lifecycle = new LosslessLifecycle(() -> world.settings, () -> world.now, world, world,
                    world, 1_000L);

            assertFalse(lifecycle.holdRegistration("orders", world.log("register"), world.log("deregister")));
            lifecycle.shutdown("test");

            assertEquals(List.of("deregister"), world.events);
        }

        @Test
        void aFailingRegistrationIsCountedAndTheOthersStillHappen() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("broken", () -> {
                throw new IllegalStateException("registry down");
            }, world.log("x"));
            lifecycle.holdRegistration("fine", world.log("register fine"), world.log("deregister fine"));

            lifecycle.ready("test");

            assertEquals(List.of("register fine"), world.events);
            assertEquals(List.of("fine"), lifecycle.toMap().get("registered"));
        }
    }

    @Nested
    class Offline {

        LosslessLifecycle registered() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.holdRegistration("orders", world.log("register"), () -> {
                world.events.add("deregister");
                world.events.add("closing=" + Lifecycle.closing());
            });
            lifecycle.ready("test");
            world.events.clear();
            return lifecycle;
        }

        @Test
        void deregistersFirstThenDrainsUntilQuiet() {
            LosslessLifecycle lifecycle = registered();
            world.inFlight = 2;
            // The two in-flight requests end at 300 ms; a late one arrives at 500 ms and ends at 700 ms.
            world.duringDrain = t -> {
                if (world.events.size() == 2) {
                    world.events.add("draining");
                }
                if (t == 300) {
                    world.inFlight = 0;
                } else if (t == 500) {
                    world.arrivals++;
                    world.inFlight = 1;
                } else if (t == 700) {
                    world.inFlight = 0;
                }
            };

            lifecycle.shutdown("test");

            assertEquals(List.of("deregister", "closing=true", "draining"), world.events);
            assertEquals(Phase.STOPPED, lifecycle.phase());
            // Quiet means a full second with nothing in flight and nothing new, after the last request.
            long drained = world.now - world.drainStart;
            assertTrue(drained > 1_700L - 2 * LosslessLifecycle.POLL_MILLIS && drained < 1_700L + 2 * LosslessLifecycle.POLL_MILLIS,
                    "drained " + drained);
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> last = (java.util.Map<String, Object>) lifecycle.toMap().get("lastDrain");
            assertEquals("quiet", last.get("endedBy"));
            assertEquals(1L, last.get("requestsServed"));
        }

        @Test
        void stopsWhenTheDrainTimeIsUpEvenWithRequestsInFlight() {
            world.settings = new LosslessSettings(0L, 2_000L);
            LosslessLifecycle lifecycle = registered();
            world.inFlight = 1;

            lifecycle.shutdown("test");

            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> last = (java.util.Map<String, Object>) lifecycle.toMap().get("lastDrain");
            assertEquals("drain time up with 1 request(s) in flight", last.get("endedBy"));
            assertEquals(2_000L, last.get("millis"));
        }

        @Test
        void aSteadyTrickleOfShortRequestsKeepsItDrainingUntilTheTimeIsUp() {
            world.settings = new LosslessSettings(0L, 5_000L);
            LosslessLifecycle lifecycle = registered();
            // A request arrives and ends between every two polls: never in flight when looked at.
            world.duringDrain = t -> world.arrivals++;

            lifecycle.shutdown("test");

            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> last = (java.util.Map<String, Object>) lifecycle.toMap().get("lastDrain");
            assertEquals("drain time up", last.get("endedBy"));
        }

        @Test
        void whileDrainingItIsNotReady() {
            LosslessLifecycle lifecycle = registered();
            List<Object> seen = new ArrayList<>();
            world.duringDrain = t -> {
                if (seen.isEmpty()) {
                    seen.add(lifecycle.phase());
                    seen.add(lifecycle.ready());
                }
            };

            lifecycle.shutdown("test");

            assertEquals(List.of(Phase.DRAINING, false), seen);
        }

        @Test
        void aSecondShutdownPathDoesNothingAgain() {
            LosslessLifecycle lifecycle = registered();

            lifecycle.shutdown("spring context closed");
            lifecycle.shutdown("JVM shutdown");

            assertEquals(List.of("deregister", "closing=true"), world.events);
        }

        @Test
        void aFailingDeregistrationStillDrains() {
            LosslessLifecycle lifecycle = world.lifecycle();
            lifecycle.ready("test");
            lifecycle.registered("broken", () -> {
                throw new IllegalStateException("registry down");
            });
            lifecycle.registered("fine", world.log("deregister fine"));

            lifecycle.shutdown("test");

            assertEquals(List.of("deregister fine"), world.events);
            assertEquals("quiet", ((java.util.Map<?, ?>) lifecycle.toMap().get("lastDrain")).get("endedBy"));
        }
    }
}
