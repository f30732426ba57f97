package io.samsa.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A command run as a person runs it — bash with the project's bin/ on the PATH — with its output
 * collected as it comes. The launchers use the test's class path as it is (no build, no archive).
 */
public record ScriptProcess(Process process, ByteArrayOutputStream out, ByteArrayOutputStream err) {

    /** Runs {@code commandLine} with bash, feeding {@code stdin} and then closing it. */
    public static ScriptProcess bash(String commandLine, String stdin) throws IOException {
        return start(List.of("bash", "-c", commandLine), stdin);
    }

    public static ScriptProcess start(List<String> command, String stdin) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Path bin = Path.of("bin").toAbsolutePath();
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("SAMSA_CLASSPATH", System.getProperty("java.class.path"));
        Process process = builder.start();
        ScriptProcess script = new ScriptProcess(process, new ByteArrayOutputStream(), new ByteArrayOutputStream());
        pump(process.getInputStream(), script.out);
        pump(process.getErrorStream(), script.err);
        try (OutputStream in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        return script;
    }

    public String stdout() {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public String stderr() {
        synchronized (err) {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits up to a minute for the end; returns the exit code, or throws if it is still running. */
    public int waitFor() throws InterruptedException {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new IllegalStateException("Still running after 60 s; stderr: " + stderr());
        }
        return process.exitValue();
    }

    /** SIGTERM to the process and everything it started (bash -c execs, but be thorough). */
    public void terminate() {
        process.toHandle().descendants().forEach(ProcessHandle::destroy);
        process.toHandle().destroy();
    }

    private static void pump(InputStream from, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = from.read(buffer)) > 0; ) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "script-output");
        t.setDaemon(true);
        t.start();
    }
}
