package dev.lanes.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConfigTest {

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void aPluginSwitchThatNamesNoPluginIsASettingProblem() {
        AgentConfig c = AgentConfig.resolve("plugin.dubbo.enabled=false", props("lanes.plugin.dubbo3.enabled",
                "false"), Map.of());
        List<String> found = c.checkPluginSwitches(List.of("springweb", "springcloud", "dubbo27", "dubbo3"));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).contains("lanes.plugin.dubbo.enabled") && found.get(0).contains("dubbo27"),
                found.get(0));
        assertEquals(found, c.problems(), "and it is listed with the other setting problems");
        assertFalse(c.pluginEnabled("dubbo3"), "a switch that names a plugin still works");
    }

    @Test
    void agentArgumentsWinOverSystemPropertiesOverEnvironment() {
        AgentConfig c = AgentConfig.resolve("tag=from-args", props("lanes.tag", "from-props", "lanes.app", "orders"),
                Map.of("LANES_TAG", "from-env", "LANES_APP", "env-app", "LANES_LOG_LEVEL", "warn",
                        "LANES_LABELS_FILE", "/nonexistent"));
        assertEquals("from-args", c.get(Setting.TAG));
        assertEquals("agent argument tag", c.origin("lanes.tag"));
        assertEquals("orders", c.get(Setting.APP));
        assertEquals("warn", c.get(Setting.LOG_LEVEL));
        assertTrue(c.problems().isEmpty(), c.problems().toString());
    }

    @Test
    void labelsFileIsTheLastResortForTagAndApplication(@TempDir Path dir) throws Exception {
        Path labels = dir.resolve("labels");
        Files.writeString(labels, "app=\"checkout\"\nlanes.dev/tag=\"canary\"\npod-template-hash=\"abc\"\n");
        AgentConfig c = AgentConfig.resolve("labels.file=" + labels, props(), Map.of());
        assertEquals("canary", c.get(Setting.TAG));
        assertEquals("checkout", c.get(Setting.APP));
        assertTrue(c.origin("lanes.tag").contains("label lanes.dev/tag"));

        AgentConfig explicit = AgentConfig.resolve("labels.file=" + labels + ",tag=gray", props(), Map.of());
        assertEquals("gray", explicit.get(Setting.TAG));
    }

    @Test
    void malformedArgumentsAreNamedAndIgnored() {
        AgentConfig c = AgentConfig.resolve("tag=-bad-,admin.port=99999,novalue,,rulez=file:/x,log.level=loud",
                props(), Map.of("LANES_LABELS_FILE", "/nonexistent"));
        assertNull(c.get(Setting.TAG));
        assertNull(c.get(Setting.ADMIN_PORT));
        assertNull(c.get(Setting.LOG_LEVEL));
        String all = String.join("\n", c.problems());
        assertTrue(all.contains("lanes.tag='-bad-' is invalid"), all);
        assertTrue(all.contains("lanes.admin.port='99999' is invalid") && all.contains("out of range"), all);
        assertTrue(all.contains("agent argument 'novalue' is malformed"), all);
        assertTrue(all.contains("unknown setting 'lanes.rulez' (did you mean 'lanes.rules'?)"), all);
        assertTrue(all.contains("lanes.log.level='loud' is invalid: expected one of debug"), all);
        assertEquals(5, c.problems().size(), all);
    }

    @Test
    void aSettingNameWithoutValueNamesBothWaysToAttachWithArguments() {
        // What the agent receives from: jcmd <pid> JVMTI.agent_load lanes-agent.jar "tag=gray,admin.port=9464"
        String cut = String.join("\n", AgentConfig.agentArgumentProblems("tag"));
        assertTrue(cut.contains("agent argument 'tag' is malformed"), cut);
        assertTrue(cut.contains("java -jar lanes-agent.jar attach <pid> tag=...,..."), cut);
        assertTrue(cut.contains("'\"tag=...,...\"'"), cut);

        String other = String.join("\n", AgentConfig.agentArgumentProblems("novalue"));
        assertTrue(other.contains("agent argument 'novalue' is malformed") && !other.contains("jcmd"), other);
        assertTrue(AgentConfig.agentArgumentProblems("tag=gray,admin.port=9464").isEmpty());
        assertTrue(AgentConfig.agentArgumentProblems(null).isEmpty());
    }

    @Test
    void pluginSwitches() {
        AgentConfig c = AgentConfig.resolve("plugin.dubbo.enabled=false", props("lanes.plugin.springcloud.enabled",
                "TRUE", "lanes.plugin.x.enabled", "maybe"), Map.of("LANES_LABELS_FILE", "/nonexistent"));
        assertFalse(c.pluginEnabled("dubbo"));
        assertTrue(c.pluginEnabled("springcloud"));
        assertTrue(c.pluginEnabled("x"), "an invalid switch is ignored, so the plugin stays on");
        assertEquals(1, c.problems().size());
    }

    @Test
    void durations() {
        assertEquals(500, Durations.parseMillis("500ms"));
        assertEquals(3000, Durations.parseMillis("3s"));
        assertEquals(120_000, Durations.parseMillis("2m"));
        assertEquals(3_600_000, Durations.parseMillis("1h"));
        assertEquals(250, Durations.parseMillis("250"));
        assertEquals(-1, Durations.parseMillis("-1s"));
        assertEquals(-1, Durations.parseMillis("1.5s"));
        assertEquals(-1, Durations.parseMillis("s"));
        assertEquals(-1, Durations.parseMillis("99999999999s"));
    }
}
