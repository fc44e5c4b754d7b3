package dev.lanes.plugin.dubbo.common;

import java.util.ArrayList;
import java.util.List;

/** List handling for extensions added to what Dubbo's {@code ExtensionLoader} activates. */
public final class Extensions {

    private Extensions() {
    }

    /**
     * {@code activated} with {@code extension} first or last: a new list, since the caller's may
     * be shared or read-only; {@code activated} itself when it holds the extension already.
     */
    public static List<?> with(List<?> activated, Object extension, boolean first) {
        if (activated == null) {
            List<Object> only = new ArrayList<Object>(1);
            only.add(extension);
            return only;
        }
        for (int i = 0, n = activated.size(); i < n; i++) {
            if (activated.get(i) == extension) {
                return activated;
            }
        }
        List<Object> copy = new ArrayList<Object>(activated.size() + 1);
        if (first) {
            copy.add(extension);
        }
        copy.addAll(activated);
        if (!first) {
            copy.add(extension);
        }
        return copy;
    }
}
