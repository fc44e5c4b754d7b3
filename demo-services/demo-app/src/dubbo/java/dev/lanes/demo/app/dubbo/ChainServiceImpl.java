package dev.lanes.demo.app.dubbo;

import java.util.Collections;
import java.util.Map;

import org.apache.dubbo.rpc.RpcContext;

import dev.lanes.demo.app.ChainController;
import dev.lanes.demo.dubbo.ChainService;

/**
 * The provider of {@link ChainService}: the same hop as {@code GET /chain}, reporting the
 * {@code x-lanes-tag} attachment it received as the tag it saw, its {@code x-env} attachment as
 * the environment header it saw, and its {@code baggage} attachment as the baggage it saw.
 */
final class ChainServiceImpl implements ChainService {

    private final ChainController chain;

    ChainServiceImpl(ChainController chain) {
        this.chain = chain;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Map<String, Object> chain(String argument) {
        // RpcContext.getContext() reads the request's attachments in Dubbo 2.7 and 3.x alike.
        String seenTag = RpcContext.getContext().getAttachment("x-lanes-tag");
        String seenEnv = RpcContext.getContext().getAttachment("x-env");
        // OpenTelemetry's Dubbo instrumentation carries W3C baggage as this attachment.
        String seenBaggage = RpcContext.getContext().getAttachment("baggage");
        return chain.run(seenTag, seenEnv, seenBaggage == null ? null : Collections.singletonList(seenBaggage), "dubbo", argument);
    }
}
