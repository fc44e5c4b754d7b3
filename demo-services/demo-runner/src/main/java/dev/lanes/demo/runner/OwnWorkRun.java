package dev.lanes.demo.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One piece of work a demo instance started itself ({@code demo.own-work=true}), as
 * {@code GET /own-work} lists it: which work ("main", "thread" or "scheduled"), the thread it
 * ran on, and the answer of its call down the chain, whose first hop is the instance itself
 * (reached "own-work"). {@link #answer()} has status 200 when the call succeeded, 502 otherwise.
 */
public record OwnWorkRun(String work, String thread, ChainResponse answer) {

    /** The runs of a {@code GET /own-work} body, in the order they ended. */
    public static List<OwnWorkRun> parseAll(String body) {
        List<OwnWorkRun> runs = new ArrayList<>();
        if (Json.parse(body) instanceof Map<?, ?> map && map.get("runs") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> run) {
                    int status = run.get("error") == null ? 200 : 502;
                    runs.add(new OwnWorkRun(String.valueOf(run.get("work")), String.valueOf(run.get("thread")),
                            ChainResponse.of(status, run, body)));
                }
            }
        }
        return runs;
    }
}
