package dev.helmholtz.train;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request, from any thread, that training stop at the next step boundary: {@code fit} finishes
 * the step in progress, writes a checkpoint (when checkpoints are configured) and returns with
 * {@link StopReason#INTERRUPTED}. Give it to {@link Training#stopRequest(StopRequest)}.
 *
 * <p>{@link #onSignals()} makes SIGINT (Ctrl-C) and SIGTERM (what {@code kill} and most process
 * supervisors send) request the stop; a second signal exits at once, with status 128 + the signal
 * number. It uses {@code sun.misc.Signal} (module {@code jdk.unsupported}) through reflection, so
 * nothing breaks on a JVM without it: the handlers are then simply not installed.
 */
public final class StopRequest {
  private static final Logger LOG = LoggerFactory.getLogger(StopRequest.class);

  private final AtomicReference<String> reason = new AtomicReference<>();

  /** Asks training to stop; the first reason given is kept (e.g. "SIGTERM"). */
  public void request(String why) {
    reason.compareAndSet(null, why == null ? "stop requested" : why);
  }

  public boolean isRequested() {
    return reason.get() != null;
  }

  /** Why the stop was requested, once it was. */
  public Optional<String> reason() {
    return Optional.ofNullable(reason.get());
  }

  /**
   * Routes SIGINT and SIGTERM to {@link #request} until the returned handle is closed, which puts
   * the previous handlers back. A second signal while a stop is pending exits the JVM at once.
   */
  public SignalHandlers onSignals() {
    return new SignalHandlers(this);
  }

  @Override
  public String toString() {
    return "StopRequest[" + reason().orElse("not requested") + "]";
  }

  /** The installed handlers; {@link #close()} restores the previous ones. */
  public static final class SignalHandlers implements AutoCloseable {
    private final List<Object[]> previous = new ArrayList<>(); // {signal, handler}
    private final List<String> handled = new ArrayList<>();
    private Method handle;

    private SignalHandlers(StopRequest request) {
      try {
        Class<?> signalClass = Class.forName("sun.misc.Signal");
        Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
        Constructor<?> newSignal = signalClass.getConstructor(String.class);
        Method getName = signalClass.getMethod("getName");
        Method getNumber = signalClass.getMethod("getNumber");
        handle = signalClass.getMethod("handle", signalClass, handlerClass);
        InvocationHandler onSignal = (proxy, method, args) -> {
          switch (method.getName()) {
            case "handle" -> {
              String name = "SIG" + getName.invoke(args[0]);
              if (request.isRequested()) {
                // The user insists: leave now, as the default handler would.
                System.err.println(name + " again: exiting without waiting for the step to finish");
                System.exit(128 + (int) getNumber.invoke(args[0]));
              }
              System.err.println(name + ": finishing the current step, then writing a checkpoint"
                  + " (send it again to exit at once)");
              request.request(name);
              return null;
            }
            case "toString" -> {
              return "StopRequest signal handler";
            }
            case "hashCode" -> {
              return System.identityHashCode(proxy);
            }
            case "equals" -> {
              return proxy == args[0];
            }
            // SignalHandler declares only handle(Signal): anything else is not a call this proxy serves.
            default -> throw new IllegalStateException("a signal handler has no method " + method.getName());
          }
        };
        Object handler = Proxy.newProxyInstance(
            StopRequest.class.getClassLoader(), new Class<?>[] {handlerClass}, onSignal);
        for (String name : new String[] {"INT", "TERM"}) {
          Object signal = newSignal.newInstance(name);
          try {
            previous.add(new Object[] {signal, handle.invoke(null, signal, handler)});
            handled.add("SIG" + name);
          } catch (ReflectiveOperationException | RuntimeException e) {
            // e.g. SIGINT is ignored when the JVM runs in the background of a shell: keep going.
            LOG.debug("cannot handle SIG{}: {}", name, e.toString());
          }
        }
      } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
        LOG.warn("cannot install SIGINT/SIGTERM handlers ({}); an interrupt stops the JVM"
            + " without a final checkpoint", e.toString());
      }
    }

    /** Whether at least one handler is installed. */
    public boolean installed() {
      return !previous.isEmpty();
    }

    /** Whether the handler of this signal ({@code "SIGINT"} or {@code "SIGTERM"}) is installed. */
    public boolean handles(String signal) {
      return handled.contains(signal);
    }

    @Override
    public void close() {
      for (Object[] entry : previous) {
        try {
          handle.invoke(null, entry[0], entry[1]);
        } catch (ReflectiveOperationException | RuntimeException e) {
          LOG.debug("cannot restore a signal handler: {}", e.toString());
        }
      }
      previous.clear();
      handled.clear();
    }
  }
}
