package dev.lanes.plugin.springcloud.web.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.springframework.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class SpringHeaderTagsTest {

    @Test
    void addsHeaderAndBaggageWhenMissing() {
        HttpHeaders headers = new HttpHeaders();
        assertTrue(SpringHeaderTags.missing(headers, "gray", null));
        SpringHeaderTags.inject(headers, "gray", null);
        assertEquals("gray", headers.getFirst("x-lanes-tag"));
        assertEquals("lanes.tag=gray", headers.getFirst("baggage"));
        assertFalse(SpringHeaderTags.missing(headers, "gray", null));
    }

    @Test
    void nothingWithoutATag() {
        HttpHeaders headers = new HttpHeaders();
        assertFalse(SpringHeaderTags.missing(headers, null, null));
        SpringHeaderTags.inject(headers, null, null);
        assertTrue(headers.isEmpty());
    }

    @Test
    void theApplicationsOwnValuesWin() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-Lanes-Tag", "dev1");
        SpringHeaderTags.inject(headers, "gray", null);
        assertEquals(Arrays.asList("dev1"), headers.get("x-lanes-tag"));
        assertEquals("lanes.tag=dev1", headers.getFirst("baggage"), "baggage follows the application's header");

        HttpHeaders baggageOnly = new HttpHeaders();
        baggageOnly.set("baggage", "a=1,lanes.tag=dev2");
        SpringHeaderTags.inject(baggageOnly, "gray", null);
        assertEquals("dev2", baggageOnly.getFirst("x-lanes-tag"));
        assertEquals(Arrays.asList("a=1,lanes.tag=dev2"), baggageOnly.get("baggage"));
    }

    @Test
    void mergesIntoOneBaggageLineAndNeverDropsOtherLines() {
        HttpHeaders one = new HttpHeaders();
        one.set("baggage", "userId=42,region=eu");
        SpringHeaderTags.inject(one, "gray", null);
        assertEquals(Arrays.asList("userId=42,region=eu,lanes.tag=gray"), one.get("baggage"));

        HttpHeaders two = new HttpHeaders();
        two.add("baggage", "userId=42");
        two.add("baggage", "region=eu");
        SpringHeaderTags.inject(two, "gray", null);
        assertEquals(Arrays.asList("userId=42", "region=eu", "lanes.tag=gray"), two.get("baggage"));
    }

    @Test
    void aMalformedOwnHeaderIsLeftAloneAndNothingIsAdded() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("x-lanes-tag", "not a tag");
        SpringHeaderTags.inject(headers, "gray", null);
        assertEquals("not a tag", headers.getFirst("x-lanes-tag"));
        assertNull(headers.getFirst("baggage"));
    }
}
