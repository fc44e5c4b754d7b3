package dev.lanes.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TaskTagsTest {

    @AfterEach
    void clear() {
        TrafficContext.restore(null);
    }

    /** Equal to every other instance: the table must still tell them apart. */
    private static final class Alike {
        @Override
        public boolean equals(Object other) {
            return other instanceof Alike;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    @Test
    void capturesOnlyWhenTaggedAndKeysByIdentity() {
        Alike untagged = new Alike();
        TaskTags.capture(untagged);
        assertNull(TaskTags.peek(untagged));

        Alike first = new Alike();
        Alike second = new Alike();
        TrafficContext.attach("gray");
        TaskTags.capture(first);
        TrafficContext.attach("blue");
        TaskTags.capture(second);
        TaskTags.capture(first); // the first capture wins
        TrafficContext.restore(null);

        assertEquals("gray", TaskTags.peek(first));
        assertEquals("blue", TaskTags.peek(second));
    }

    @Test
    void attachOnceForgetsAndRestoresThePreviousTag() {
        Object task = new Object();
        TrafficContext.attach("gray");
        TaskTags.capture(task);
        TrafficContext.attach("outer");

        Object previous = TaskTags.attachOnce(task);
        assertEquals("gray", TrafficContext.tag());
        TaskTags.restore(previous);
        assertEquals("outer", TrafficContext.tag());

        Object again = TaskTags.attachOnce(task);
        assertSame(TrafficContext.NOT_ENTERED, again, "forgotten after the first run");
        TaskTags.restore(again);
        assertEquals("outer", TrafficContext.tag(), "restoring NOT_ENTERED leaves the thread alone");
    }

    @Test
    void attachEachKeepsTheTagForPeriodicRuns() {
        Object task = new Object();
        TrafficContext.attach("gray");
        TaskTags.capture(task);
        TrafficContext.restore(null);
        for (int run = 0; run < 3; run++) {
            Object previous = TaskTags.attachEach(task);
            assertEquals("gray", TrafficContext.tag());
            TaskTags.restore(previous);
            assertNull(TrafficContext.tag());
        }
    }

    @Test
    void manyTasksStayDistinct() {
        List<Object> tasks = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            Object task = new Object();
            tasks.add(task);
            TrafficContext.attach("t" + i);
            TaskTags.capture(task);
        }
        TrafficContext.restore(null);
        for (int i = 0; i < tasks.size(); i++) {
            assertEquals("t" + i, TaskTags.peek(tasks.get(i)));
        }
        for (Object task : tasks) {
            TaskTags.restore(TaskTags.attachOnce(task));
        }
        for (Object task : tasks) {
            assertNull(TaskTags.peek(task));
        }
    }

    @Test
    void threadPoolHandOffWrapsPlainRunnablesOnly() {
        Runnable plain = () -> { };
        FutureTask<String> future = new FutureTask<>(() -> "x");
        assertSame(plain, TaskTags.forThreadPool(plain), "untagged: nothing to do");

        TrafficContext.attach("gray");
        Runnable wrapped = TaskTags.forThreadPool(plain);
        assertInstanceOf(TrafficContext.TaggedRunnable.class, wrapped);
        assertSame(wrapped, TaskTags.forThreadPool(wrapped), "never wrapped twice");
        assertSame(future, TaskTags.forThreadPool(future), "futures keep their identity");
        assertEquals("gray", TaskTags.peek(future));

        Runnable forkJoinTask = (Runnable) ForkJoinTask.adapt(() -> { });
        assertSame(forkJoinTask, TaskTags.forForkJoinPool(forkJoinTask), "fork-join tasks keep their identity");
        assertEquals("gray", TaskTags.peek(forkJoinTask));
        Runnable adapted = TaskTags.forForkJoinPool(plain);
        assertInstanceOf(TrafficContext.TaggedRunnable.class, adapted);
        TrafficContext.restore(null);

        adapted.run();
        assertNull(TrafficContext.tag(), "the wrapper restores the previous (absent) tag");
    }
}
