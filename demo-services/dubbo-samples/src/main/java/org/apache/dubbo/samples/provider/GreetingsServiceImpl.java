package org.apache.dubbo.samples.provider;

import org.apache.dubbo.config.annotation.DubboService;
import org.apache.dubbo.rpc.RpcContext;
import org.apache.dubbo.samples.api.GreetingsService;
import org.springframework.beans.factory.annotation.Value;

/**
 * The provider: answers {@code hi <name> from <instance> lane <x-lanes-tag it received>}, so
 * that a test sees which provider served each call and what tag reached it.
 */
@DubboService
public class GreetingsServiceImpl implements GreetingsService {

    /** Which instance this is; a test names each process it starts. */
    @Value("${demo.instance:${spring.application.name}}")
    private String instance;

    @Override
    public String sayHi(String name) {
        String seen = RpcContext.getServerAttachment().getAttachment("x-lanes-tag");
        return "hi " + name + " from " + instance + " lane " + (seen == null || seen.isEmpty() ? "-" : seen);
    }
}
