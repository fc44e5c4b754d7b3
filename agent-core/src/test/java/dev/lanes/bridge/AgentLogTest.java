package dev.lanes.bridge;

import org.junit.jupiter.api.Test;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Random;
import java.util.TimeZone;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The log line's time stamp, by arithmetic, against the JDK's own formatting. */
class AgentLogTest {

    @Test
    void timestampsAgreeWithSimpleDateFormatAcrossZonesAndCenturies() {
        TimeZone saved = TimeZone.getDefault();
        try {
            Random random = new Random(8);
            for (String zone : new String[]{"UTC", "Asia/Shanghai", "America/New_York", "Asia/Kolkata"}) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                SimpleDateFormat format = new SimpleDateFormat("yyyy-MM-dd HH:mm:ss.SSS");
                long[] fixed = {0L, 951_782_400_000L /* 2000-02-29 */, 1_796_295_374_577L, 4_102_444_799_999L};
                for (long t : fixed) {
                    assertEquals(format.format(new Date(t)), AgentLog.timestamp(t), zone + " " + t);
                }
                for (int i = 0; i < 2_000; i++) {
                    long t = (long) (random.nextDouble() * 4_000_000_000_000L);
                    assertEquals(format.format(new Date(t)), AgentLog.timestamp(t), zone + " " + t);
                }
            }
        } finally {
            TimeZone.setDefault(saved);
        }
    }
}
