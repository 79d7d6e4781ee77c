package dev.helmholtz.samples.cli;

import dev.helmholtz.graph.NativeMemorySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;

/**
 * Keeps TensorFlow's native start-up lines off the command line unless they are asked for.
 *
 * <p>The native library logs through two loggers: TensorFlow's own (oneDNN, cpu_feature_guard, at
 * load), which reads {@code TF_CPP_MIN_LOG_LEVEL} from the environment once, and absl's (the MLIR
 * pass at the first session, after absl's "All log messages before absl::InitializeLog() ..."),
 * which reads nothing a Java program can set. A JVM can change neither its own environment nor
 * its native stderr, so the command lines' {@code main} runs the command in a child JVM with
 * {@code TF_CPP_MIN_LOG_LEVEL=1} (TensorFlow's warnings and errors still show) and drops absl's
 * info lines from the child's stderr; stdin and stdout are the child's own. {@code --verbose},
 * or {@code TF_CPP_MIN_LOG_LEVEL} set by the user, runs the command in this JVM, where TensorFlow
 * prints what that level lets through. Costs one more JVM start (a fraction of a second).
 *
 * <p>Signals: a terminal's Ctrl-C reaches both JVMs (one process group), so this one ignores
 * SIGINT and the child handles it; SIGTERM sent to this JVM is passed on to the child. The exit
 * code is the child's.
 */
public final class NativeLogLauncher {
  /** The option that shows TensorFlow's native log lines. */
  public static final String VERBOSE = "--verbose";

  static final String LOG_LEVEL_VARIABLE = "TF_CPP_MIN_LOG_LEVEL";
  /** Set in the child's environment to the launching JVM's pid. */
  static final String LAUNCHER_VARIABLE = "HELMHOLTZ_LAUNCHER_PID";

  /**
   * The lines dropped: absl's notice that it logs to stderr, and absl-formatted info lines
   * ({@code I<MMDD> <time> <thread> <file>:<line>] ...}; before absl is initialized its time is
   * seconds since the epoch).
   */
  static final Pattern DROPPED = Pattern.compile(
      "WARNING: All log messages before absl::InitializeLog\\(\\) is called are written to STDERR\\r?\\n"
          + "|I\\d{4} [\\d:.]+ +\\d+ [^ \\]]+:\\d+\\] [^\\n]*\\n");

  private NativeLogLauncher() {}

  /**
   * The exit code of {@code command}: run here when {@link #VERBOSE} is among {@code args} or
   * {@code TF_CPP_MIN_LOG_LEVEL} is set, else {@code mainClass} with {@code args} in a child JVM
   * whose stderr is filtered.
   */
  public static int run(Class<?> mainClass, String[] args, IntSupplier command) {
    NativeMemorySettings.apply();
    if (Arrays.asList(args).contains(VERBOSE) || System.getenv(LOG_LEVEL_VARIABLE) != null) {
      watchLauncher(System.getenv(LAUNCHER_VARIABLE));
      return command.getAsInt();
    }
    List<String> java = new ArrayList<>();
    java.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    java.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    java.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(java)
        .redirectInput(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put(LOG_LEVEL_VARIABLE, "1");
    builder.environment().put(LAUNCHER_VARIABLE, Long.toString(ProcessHandle.current().pid()));
    Process child;
    try {
      child = builder.start();
    } catch (IOException e) {
      System.err.println("cannot start a JVM for the command (" + e.getMessage() + "); running it here");
      return command.getAsInt();
    }
    handleSignals(child);
    Thread pump = new Thread(() -> filter(child.getErrorStream(), System.err), "native-log-filter");
    pump.start();
    while (true) {
      try {
        int exit = child.waitFor();
        pump.join();
        return exit;
      } catch (InterruptedException e) {
        child.toHandle().destroy();
      }
    }
  }

  /**
   * In a child JVM: when the launching JVM is gone (killed with SIGKILL, say), this one sends
   * itself SIGTERM, so that a run stops at the next step and writes its checkpoint as under
   * {@code kill}, instead of training on unseen beside a run the user starts next.
   */
  static void watchLauncher(String launcherPid) {
    if (launcherPid == null) {
      return;
    }
    try {
      ProcessHandle.of(Long.parseLong(launcherPid)).ifPresentOrElse(
          launcher -> launcher.onExit().thenRun(NativeLogLauncher::terminateSelf),
          NativeLogLauncher::terminateSelf);
    } catch (NumberFormatException e) {
      // Not a pid we set: nothing to watch.
    }
  }

  private static void terminateSelf() {
    System.err.println("the launching JVM exited: stopping as on SIGTERM");
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      signalClass.getMethod("raise", signalClass).invoke(null, signalClass.getConstructor(String.class).newInstance("TERM"));
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.exit(143); // no signal support: exit as SIGTERM's default would, running the shutdown hooks
    }
  }

  /**
   * Copies {@code in} to {@code out} without the {@link #DROPPED} lines. Text that cannot become
   * one of them is passed on at once, whole line or not, so a prompt or a progress line written
   * with carriage returns is not held back.
   */
  static void filter(InputStream in, OutputStream out) {
    StringBuilder pending = new StringBuilder(); // undecided bytes, one char per byte (ISO-8859-1)
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        pending.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        int decided = 0;
        while (decided < pending.length()) {
          int end = pending.indexOf("\n", decided);
          var matcher = DROPPED.matcher(pending).region(decided, end < 0 ? pending.length() : end + 1);
          boolean whole = matcher.matches();
          if (end >= 0 && whole) {
            decided = end + 1; // dropped
          } else if (end < 0 && matcher.hitEnd() && matcher.regionEnd() - decided < 512) {
            break; // may still become a dropped line: wait for more
          } else {
            int upTo = end < 0 ? pending.length() : end + 1;
            out.write(pending.substring(decided, upTo).getBytes(StandardCharsets.ISO_8859_1));
            decided = upTo;
          }
        }
        pending.delete(0, decided);
        out.flush();
      }
      out.write(pending.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    } catch (IOException e) {
      if (out instanceof PrintStream printStream) {
        printStream.println("(reading the command's stderr failed: " + e + ")");
      }
    }
  }

  /**
   * SIGINT ignored (a terminal sends it to the child too), SIGTERM passed on to the child. Through
   * reflection, as {@code StopRequest} does: sun.misc.Signal is not in every JDK.
   */
  private static void handleSignals(Process child) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      for (String name : List.of("INT", "TERM")) {
        Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
            (proxy, method, methodArgs) -> switch (method.getName()) {
              case "handle" -> {
                if (name.equals("TERM")) {
                  // SIGTERM through the handle: Process.destroy() would also close the stderr being read.
                  child.toHandle().destroy();
                }
                yield null;
              }
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == methodArgs[0];
              default -> "NativeLogLauncher SIG" + name + " handler";
            });
        handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Without handlers a signal ends this JVM; the child, in the same process group for a
      // terminal's Ctrl-C, still handles that one.
    }
  }
}
