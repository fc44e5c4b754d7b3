package dev.lanes.demo.app;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import feign.Response;
import feign.Util;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.cloud.openfeign.FeignClientBuilder;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * {@code demo.client=feign}: a Spring Cloud OpenFeign client of the next service, built by
 * name (so it goes through the load balancer) the first time it is used.
 */
@Component
public class FeignNextHop implements NextHop {

    /** The next service's API. {@link Response} as the result type: Feign hands back every status. */
    public interface ChainApi {
        @GetMapping("/chain")
        Response chain();
    }

    private final ApplicationContext context;
    private volatile ChainApi api;

    public FeignNextHop(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public String client() {
        return "feign";
    }

    @Override
    public Reply call(String service) {
        try (Response response = api(service).chain()) {
            if (response.body() == null) {
                return new Reply(response.status(), null);
            }
            try (Reader reader = response.body().asReader(StandardCharsets.UTF_8)) {
                String text = Util.toString(reader);
                return new Reply(response.status(),
                        text.trim().isEmpty() ? null : JsonParserFactory.getJsonParser().parseMap(text));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChainApi api(String service) {
        ChainApi built = api;
        if (built == null) {
            synchronized (this) {
                built = api;
                if (built == null) {
                    built = new FeignClientBuilder(context).forType(ChainApi.class, service).build();
                    api = built;
                }
            }
        }
        return built;
    }
}
