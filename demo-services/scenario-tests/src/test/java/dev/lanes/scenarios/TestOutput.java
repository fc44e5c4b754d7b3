package dev.lanes.scenarios;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the load-run tests share: printing every log of a run, and output written to two streams. */
public final class TestOutput {

    private TestOutput() {
    }

    /** Prints every {@code *.log} below {@code dir} to standard error, for a test that failed. */
    public static void printLogs(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                System.err.println("===== " + log + " =====");
                System.err.println(Files.readString(log, StandardCharsets.ISO_8859_1));
            }
        } catch (IOException e) {
            System.err.println("cannot read the logs in " + dir + ": " + e);
        }
    }

    /** Writes to two streams: the test's own capture and the build's output. */
    public static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        public Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }
    }
}
