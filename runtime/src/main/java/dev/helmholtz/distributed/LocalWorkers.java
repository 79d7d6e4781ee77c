package dev.helmholtz.distributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A cluster of worker processes on this machine, on loopback ({@code 127.0.0.1}) ports chosen
 * free at start: each worker is a new JVM on this JVM's class path running a main class with
 * arguments that name its {@link Cluster} position. {@link #close} destroys every worker still
 * running, so a failed or interrupted launch leaves no stray process.
 */
public final class LocalWorkers implements AutoCloseable {
  private final Cluster cluster;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();
  /** Destroys the workers when this JVM exits without closing them (SIGINT or SIGTERM to the launcher). */
  private final Thread onExit = new Thread(this::destroyAll, "local-workers-exit");

  private LocalWorkers(Cluster cluster) {
    this.cluster = cluster;
  }

  /**
   * Starts {@code count} workers: worker {@code i} runs {@code command.apply(cluster as worker i)}
   * with its output (stdout and stderr) in {@code logDirectory/worker-i.log}, except the chief's
   * when {@code chiefInheritsOutput}: it speaks for the cluster on this process's stdout and stderr.
   * Workers get {@code TF_CPP_MIN_LOG_LEVEL=1} (TensorFlow's warnings and errors only) unless this
   * process's environment sets it.
   */
  public static LocalWorkers start(int count, Function<Cluster, List<String>> command, Path logDirectory,
      boolean chiefInheritsOutput) {
    if (count < 1) {
      throw new IllegalArgumentException("workers must be >= 1, was " + count);
    }
    List<String> addresses = new ArrayList<>();
    for (int port : freePorts(count)) {
      addresses.add("127.0.0.1:" + port);
    }
    LocalWorkers workers = new LocalWorkers(new Cluster(addresses, 0));
    Runtime.getRuntime().addShutdownHook(workers.onExit);
    try {
      for (int i = 0; i < count; i++) {
        ProcessBuilder builder = new ProcessBuilder(command.apply(new Cluster(addresses, i)));
        builder.environment().putIfAbsent("TF_CPP_MIN_LOG_LEVEL", "1");
        Path log = logDirectory.resolve("worker-" + i + ".log");
        workers.logs.add(log);
        if (i == 0 && chiefInheritsOutput) {
          builder.inheritIO();
        } else {
          builder.redirectErrorStream(true).redirectOutput(log.toFile());
        }
        workers.processes.add(builder.start());
      }
      return workers;
    } catch (IOException | RuntimeException e) {
      workers.close();
      throw e instanceof IOException io ? new UncheckedIOException("cannot start a worker: " + io.getMessage(), io)
          : (RuntimeException) e;
    }
  }

  /** The command line of a JVM running {@code mainClass} with {@code args} on this JVM's class path. */
  public static List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    return command;
  }

  /** {@code count} distinct TCP ports free on loopback now (each found by binding port 0). */
  public static List<Integer> freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      List<Integer> ports = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports.add(socket.getLocalPort());
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find a free loopback port: " + e.getMessage(), e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a probe socket cannot matter
        }
      }
    }
  }

  /** The cluster, as worker 0 sees it. */
  public Cluster cluster() {
    return cluster;
  }

  /** The worker processes, by index. */
  public List<Process> processes() {
    return List.copyOf(processes);
  }

  /** Each worker's log file, by index (the chief's is not written when it inherits the output). */
  public List<Path> logs() {
    return List.copyOf(logs);
  }

  /**
   * Waits for every worker to exit, at most {@code timeout} in all; returns their exit codes by
   * index, or throws when one is still running then (after destroying all). With {@code
   * stopOnFailure}, the first worker to exit with a code other than 0 ends the wait: the others,
   * which would wait for it until their step timeout, are destroyed (their codes are then those
   * of a destroyed process).
   */
  public int[] await(Duration timeout, boolean stopOnFailure) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (processes.stream().anyMatch(Process::isAlive)) {
      if (stopOnFailure && processes.stream().anyMatch(p -> !p.isAlive() && p.exitValue() != 0)) {
        close();
        break;
      }
      if (System.nanoTime() > deadline) {
        close();
        throw new IllegalStateException("workers of " + cluster.workers() + " still ran after " + timeout
            + "; every worker was destroyed");
      }
      Thread.sleep(100);
    }
    int[] codes = new int[processes.size()];
    for (int i = 0; i < processes.size(); i++) {
      codes[i] = processes.get(i).waitFor();
    }
    return codes;
  }

  /**
   * Destroys every worker still running (forcibly after 5 s) and waits for it to go. A worker is
   * first sent SIGTERM, which the samples' commands take as a stop request: the chief finishes its
   * step and writes a checkpoint.
   */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(onExit);
    } catch (IllegalStateException exiting) {
      // the JVM is exiting: the hook runs destroyAll itself
    }
    destroyAll();
  }

  private void destroyAll() {
    for (Process p : processes) {
      if (p.isAlive()) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      try {
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
