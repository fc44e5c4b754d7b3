package dev.lanes.core.rules.source;

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

    /** Stops watching; no delivery happens after it returns. Never throws. */
    @Override
    void close();
}
