package example.app;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import org.yaml.snakeyaml.Yaml;

import java.util.Map;

/** Uses the application's own Byte Buddy and SnakeYAML and reports which versions they are. */
final class Libraries {

    private Libraries() {
    }

    static String describe() throws Exception {
        Class<?> made = new ByteBuddy().subclass(Object.class).name("example.app.Generated").make()
                .load(Libraries.class.getClassLoader(), ClassLoadingStrategy.Default.INJECTION).getLoaded();
        Map<?, ?> yaml = new Yaml().load("answer: 42");
        return "bytebuddy=" + jarOf(ByteBuddy.class) + " made=" + made.getName()
                + " snakeyaml=" + jarOf(Yaml.class) + " yaml=" + yaml.get("answer") + NacosLibrary.describe();
    }

    static String jarOf(Class<?> type) {
        String path = type.getProtectionDomain().getCodeSource().getLocation().getPath();
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
