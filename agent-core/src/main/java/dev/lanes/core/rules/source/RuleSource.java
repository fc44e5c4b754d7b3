package dev.lanes.core.rules.source;

import dev.lanes.core.rules.RuleDocument;
import java.util.List;

/**
 * A place rules come from (a local file, a Nacos config, a ZooKeeper node), found with
 * {@link java.util.ServiceLoader} and chosen by the scheme of the setting {@code lanes.rules}.
 * An instance is started at most once.
 */
public interface RuleSource extends AutoCloseable {

    /** The scheme this source serves, lower case, such as "file" or "nacos". */
    String scheme();

    /**
     * Delivers the current document to {@code sink} if it can, then keeps delivering changes
     * until {@link #close()}. It returns once the first attempt has been made: a source that is
     * down reports it with {@link RuleSink#sourceError} and keeps trying, so that the
     * application starts, with no rules, rather than waiting or failing.
     *
     * @param location the setting's value with its "scheme:" prefix removed, such as
     *                 "/etc/lanes/rules.yaml" or "//127.0.0.1:8848/lanes-rules?group=DEFAULT"
     * @throws Exception only when {@code location} itself is malformed
     */
    void start(String location, RuleSink sink) throws Exception;

    /**
     * As {@link #start(String, RuleSink)}, for the application {@code application} (null when
     * unknown): a rule center reads the global document and this application's own. A rule center
     * returns at once and reads in the background; the agent bounds how long start-up waits.
     */
    default void start(String location, String application, RuleSink sink) throws Exception {
        start(location, sink);
    }

    /**
     * The application's name, learnt from its framework after {@link #start(String, String, RuleSink)}
     * was called without one: a rule center starts reading the application's own document from now
     * on. Called at most once; never throws.
     *
     * @return where the application's document is now read from, for the agent's log; null when
     *         this source reads no per-application document or already had one
     */
    default String applicationNameFound(String application) {
        return null;
    }

    /**
     * Reads the documents once, for the command line ({@code rules get}); absent documents are
     * left out. Nothing is started.
     *
     * @throws UnsupportedOperationException when this source cannot be read from the command line
     * @throws Exception                     when the source cannot be reached within {@code timeoutMillis}
     */
    default List<RuleDocument> read(String location, String application, long timeoutMillis) throws Exception {
        throw new UnsupportedOperationException("the " + scheme() + " source cannot be read from the command line");
    }

    /**
     * Writes one document, for the command line ({@code rules push}).
     *
     * @param role whether to write the global document or the one of {@code application}
     * @return where it was written, for the user
     */
    default String write(String location, String application, RuleDocument.Role role, String text,
                         long timeoutMillis) throws Exception {
        throw new UnsupportedOperationException("the " + scheme() + " source cannot be written from the command line");
    }

    /**
     * Publishes this agent's admin address through the started source, for {@code console --rules},
     * until {@link #close()} withdraws it. A failure to publish is logged once and ignored: the
     * application never fails because of it. Never throws.
     *
     * @return false when this source cannot publish announcements
     */
    default boolean announce(AgentAnnouncement announcement) {
        return false;
    }

    /**
     * The agents announced at {@code location} now, for the console. A rule center keeps the
     * client of the first call for the next ones (the console asks every few seconds) until
     * {@link #close()}; nothing else is started.
     *
     * @throws UnsupportedOperationException when this source keeps no announcements
     * @throws Exception                     when the source cannot be reached within {@code timeoutMillis}
     */
    default List<AgentAnnouncement> announced(String location, long timeoutMillis) throws Exception {
        throw new UnsupportedOperationException("the " + scheme() + " source keeps no agent announcements");
    }

    /**
     * Stops watching, withdraws the announcement and closes the client {@link #announced} kept; no
     * delivery happens after it returns. Never throws.
     */
    @Override
    void close();
}
