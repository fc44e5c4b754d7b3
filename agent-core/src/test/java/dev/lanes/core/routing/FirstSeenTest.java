package dev.lanes.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FirstSeenTest {

    private static final long T0 = 1_700_000_000_000L;

    private final FirstSeen seen = new FirstSeen();

    /** The start of an instance of "order", a service first routed at T0. */
    private long order(String address, long published, long now) {
        return seen.startOf("order", address, published, T0, now);
    }

    @Test
    void aPublishedStartInThePastIsTakenAsIs() {
        assertEquals(T0 - 5_000L, order("a:1", T0 - 5_000L, T0));
        assertEquals(T0, order("a:1", T0, T0));
    }

    @Test
    void instancesThereWhenTheServiceIsFirstRoutedCountAsWarm() {
        assertEquals(-1L, order("a:1", -1L, T0));
        assertEquals(-1L, order("b:1", -1L, T0 + FirstSeen.INITIAL_GRACE_MILLIS));
        assertEquals(-1L, order("a:1", -1L, T0 + 50_000L), "remembered as warm");
    }

    @Test
    void aLaterInstanceCountsFromWhenItWasFirstSeen() {
        order("a:1", -1L, T0);
        long later = T0 + 30_000L;
        assertEquals(later, order("c:1", -1L, later));
        assertEquals(later, order("c:1", -1L, later + 10_000L), "the first sighting is kept");
        // A start in the future (clock skew) is not believed either.
        assertEquals(later + 5_000L, order("d:1", later + 65_000L, later + 5_000L));
        // Per service: the first call to another service has its own initial instances.
        assertEquals(-1L, seen.startOf("stock", "c:1", -1L, later + 20_000L, later + 20_000L));
    }

    @Test
    void anInstanceGoneForAnHourIsForgottenAndWarmsUpAgainWhenItComesBack() {
        order("a:1", -1L, T0);
        long added = T0 + 10_000L;
        assertEquals(added, order("c:1", -1L, added));
        long back = added + FirstSeen.FORGET_AFTER_MILLIS + 120_000L;
        // Another instance's arrival forgets the ones not seen for an hour, a:1 and c:1 among them.
        assertEquals(back, order("e:1", -1L, back));
        assertEquals(back + 1L, order("c:1", -1L, back + 1L));
    }

    @Test
    void anInstanceSeenRegularlyIsNotForgotten() {
        order("a:1", -1L, T0);
        long added = T0 + 10_000L;
        order("c:1", -1L, added);
        for (long t = added; t < added + 2 * FirstSeen.FORGET_AFTER_MILLIS; t += 600_000L) {
            assertEquals(added, order("c:1", -1L, t));
            order("x" + t, -1L, t);
        }
    }

    @Test
    void pastItsBoundsAnInstanceCountsAsWarm() {
        order("a:1", -1L, T0);
        long t = T0 + 5_000L;
        for (int i = 0; i < FirstSeen.MAX_PER_SERVICE - 1; i++) {
            assertEquals(t, order("i" + i, -1L, t));
        }
        assertEquals(-1L, order("one-too-many", -1L, t));
        assertEquals(-1L, order(null, -1L, t));
        assertEquals(-1L, seen.startOf(null, "a:1", -1L, T0, t));
    }
}
