package dev.lanes.core.cli;

import dev.lanes.core.console.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

/**
 * {@code console}: starts the live traffic console and serves it until the process is stopped.
 * Exit codes are {@link LanesCli}'s: 2 for a usage error or an address that cannot be bound.
 */
final class ConsoleCommand {

    static final int DEFAULT_PORT = 9470;
    static final long DEFAULT_INTERVAL_MILLIS = 2000L;
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");

    static final String HELP = String.join("\n",
            "usage: java -jar lanes-agent.jar console (--rules SOURCE | --agent HOST:PORT...) [--port 9470]",
            "             [--bind ADDRESS [--token TOKEN]] [--interval 2s]",
            "Serves a page that shows every agent's services, instances, lanes and rules, updated live.",
            "  --rules SOURCE     the fleet's lanes.rules (file:..., zookeeper://..., nacos://...): the agents",
            "                     whose admin endpoint is on (lanes.admin.port) announce themselves there",
            "  --agent HOST:PORT  an agent's admin endpoint, polled besides; repeat for several",
            "  --port PORT        where the console listens (0: a free port); default 9470",
            "  --bind ADDRESS     the address to listen on; default 127.0.0.1. Any other address needs a",
            "                     token: --token, or one is generated and printed",
            "  --token TOKEN      required on every request (Authorization: Bearer TOKEN, or ?token=TOKEN)",
            "  --interval 2s      how often every agent is polled",
            "Read-only. See docs/console.md.");

    private ConsoleCommand() {
    }

    static int run(List<String> args, PrintStream out, PrintStream err) throws RulesCommand.UsageException {
        if (args.contains("--help") || args.contains("-h")) {
            out.println(HELP);
            return LanesCli.OK;
        }
        RulesCommand.Options o = RulesCommand.Options.parse(args);
        o.allow("rules", "agent", "port", "bind", "token", "interval");
        o.noFile();
        List<String> agents = o.values("agent");
        for (String agent : agents) {
            if (!HOST_PORT.matcher(agent).matches()) {
                throw new RulesCommand.UsageException("--agent " + agent + ": expected HOST:PORT, such as "
                        + "127.0.0.1:9464");
            }
        }
        String rules = o.value("rules");
        if (rules == null && agents.isEmpty()) {
            throw new RulesCommand.UsageException("console: give --rules SOURCE or --agent HOST:PORT (or both)");
        }
        int port = port(o.value("port"));
        InetAddress bind = bind(o.value("bind"));
        long interval = interval(o);
        String token = o.value("token");
        boolean generated = false;
        if (token != null && token.trim().length() < 16) {
            throw new RulesCommand.UsageException("--token: expected at least 16 characters");
        }
        if (token == null && !bind.isLoopbackAddress()) {
            token = generateToken();
            generated = true;
        }
        Console console;
        try {
            console = Console.start(agents, rules, new InetSocketAddress(bind, port), token, interval,
                    ConsoleCommand.class.getClassLoader());
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return LanesCli.USAGE;
        } catch (IOException e) {
            err.println("console: " + e.getMessage());
            return LanesCli.USAGE;
        }
        out.println("Lanes console on " + console.url() + (token == null ? "" : "?token=" + token)
                + " (agents: " + (rules == null ? "" : "announced at " + dev.lanes.core.rules.source.RuleSources
                .redact(rules)) + (rules != null && !agents.isEmpty() ? " and " : "")
                + (agents.isEmpty() ? "" : agents) + ", every " + interval + " ms)");
        if (generated) {
            out.println("Listening on " + bind.getHostAddress() + ", not loopback: every request needs the token "
                    + "printed above.");
        }
        out.flush();
        final CountDownLatch stopped = new CountDownLatch(1);
        final Console running = console;
        Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
            @Override
            public void run() {
                running.close();
                stopped.countDown();
            }
        }, "lanes-console-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return LanesCli.OK;
    }

    private static int port(String value) throws RulesCommand.UsageException {
        if (value == null) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // Below.
        }
        throw new RulesCommand.UsageException("--port " + value + ": expected a TCP port from 0 to 65535 "
                + "(0 picks a free one)");
    }

    private static InetAddress bind(String value) throws RulesCommand.UsageException {
        if (value == null) {
            return InetAddress.getLoopbackAddress();
        }
        try {
            return InetAddress.getByName(value.trim());
        } catch (UnknownHostException e) {
            throw new RulesCommand.UsageException("--bind " + value + ": not an address of this host (" + e.getMessage()
                    + "); expected an IP address such as 0.0.0.0 or 10.0.0.5");
        }
    }

    private static long interval(RulesCommand.Options o) throws RulesCommand.UsageException {
        long millis;
        try {
            millis = o.millis("interval", DEFAULT_INTERVAL_MILLIS);
        } catch (IllegalArgumentException e) {
            millis = -1L;
        }
        if (millis < 200L || millis > 60000L) {
            throw new RulesCommand.UsageException("--interval " + o.value("interval")
                    + ": expected a duration from 200ms to 60s, such as 2s");
        }
        return millis;
    }

    private static String generateToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }

}
