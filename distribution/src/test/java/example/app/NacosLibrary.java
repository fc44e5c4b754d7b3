package example.app;

/** Reports the application's own nacos-client, when it has one, after using it. */
final class NacosLibrary {

    private NacosLibrary() {
    }

    static String describe() {
        try {
            Class.forName("com.alibaba.nacos.common.utils.VersionUtils", false, NacosLibrary.class.getClassLoader());
        } catch (ClassNotFoundException absent) {
            return "";
        }
        return " nacos=" + Libraries.jarOf(com.alibaba.nacos.common.utils.VersionUtils.class) + " version="
                + com.alibaba.nacos.common.utils.VersionUtils.version;
    }
}
