package dev.helmholtz.distributed;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSessionOptions;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.TF_Graph;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * This process's TensorFlow server and the sessions that run a graph through it.
 *
 * <p><b>The server.</b> One {@link Server} per process, started by the first {@link #open} for its
 * cluster and kept until the process exits: TensorFlow 2.18's gRPC server cannot be stopped ({@code
 * Server.stop} throws "Clean shutdown is not currently implemented", measured with TF Java 1.1), so
 * a process serves one cluster position for its lifetime and {@link #open} refuses another. Its
 * default session configuration names worker 0 as the collective group leader, which the
 * all-reduce's group resolution needs.
 *
 * <p><b>The session.</b> TF Java's {@code Session} has no target: its public constructors make an
 * in-process session, and the one taking a native {@code TF_Session} is package-private. The factory
 * therefore does what {@code Session}'s own constructor does ({@code TF_NewSessionOptions}, {@code
 * TF_SetConfig}, {@code TF_NewSession} on the graph's handle; its private {@code allocate} takes a
 * target but never passes it on) with one more call, {@code
 * TF_SetTarget("grpc://host:port")} of this worker's server, and wraps the native session in a
 * {@code Session} through that package-private constructor by reflection (the handle is read
 * from the graph the same way). So the wrapped session is TF Java's own: runners, {@code Result},
 * closing, the graph's reference count, all unchanged. The alternative, a class of ours in package
 * {@code org.tensorflow}, would split a package TF Java seals as a module; reflection needs only
 * the class path, which is how Helmholtz runs.
 *
 * <p>The session's configuration adds {@code device_filters = /job:worker/task:i}: the session's
 * master sees only this worker's devices, so every op of the graph is placed here (the graph is
 * replicated, one copy per worker), creating a session does not wait for the other workers, and
 * the only traffic between workers is the all-reduce's. It also sets {@code isolate_session_state}:
 * a server's variables are otherwise shared by every session on it, and two models of one class
 * name their variables alike.
 */
public final class ClusterSessions {
  private static Server server;
  private static Cluster serving;

  private ClusterSessions() {}

  /**
   * A session running {@code graph} on this process's worker of {@code cluster}, starting the
   * worker's server first if this process has none.
   *
   * @param config the session's options (threads); the device filter and group leader are added
   * @throws IllegalStateException when this process already serves another cluster position
   */
  public static Session open(Graph graph, Cluster cluster, ConfigProto config) {
    startServer(cluster, config);
    // A distributed session refuses per-session inter-op pools ("Distributed session does not
    // support session thread pool options"): the server's default configuration sets the counts.
    ConfigProto sessionConfig = withCluster(config, cluster).toBuilder()
        .clearSessionInterOpThreadPool()
        .addDeviceFilters("/job:" + Cluster.JOB + "/task:" + cluster.index())
        .setIsolateSessionState(true)
        .build();
    return targeted(graph, "grpc://" + cluster.address(), sessionConfig);
  }

  /** The configuration with worker 0 as the collective group leader. */
  private static ConfigProto withCluster(ConfigProto config, Cluster cluster) {
    return config.toBuilder()
        .setExperimental(config.getExperimental().toBuilder()
            .setCollectiveGroupLeader("/job:" + Cluster.JOB + "/replica:0/task:0"))
        .build();
  }

  private static synchronized void startServer(Cluster cluster, ConfigProto config) {
    if (server != null) {
      if (!serving.equals(cluster)) {
        throw new IllegalStateException("this process already serves " + serving + "; TensorFlow's server"
            + " cannot be stopped, so a process joins one cluster for its lifetime (asked for " + cluster + ")");
      }
      return;
    }
    JobDef.Builder job = JobDef.newBuilder().setName(Cluster.JOB);
    for (int i = 0; i < cluster.size(); i++) {
      job.putTasks(i, cluster.workers().get(i));
    }
    ServerDef def = ServerDef.newBuilder()
        .setCluster(ClusterDef.newBuilder().addJob(job))
        .setJobName(Cluster.JOB)
        .setTaskIndex(cluster.index())
        .setProtocol("grpc")
        .setDefaultSessionConfig(withCluster(config, cluster).toBuilder().clearSessionInterOpThreadPool())
        .build();
    Server started = new Server(def);
    started.start();
    server = started;
    serving = cluster;
  }

  /**
   * A TF Java session on {@code graph} whose native session targets {@code target} (such as
   * {@code grpc://127.0.0.1:2222}); an empty target gives an in-process session like {@code new
   * Session(graph, config)}.
   */
  public static Session targeted(Graph graph, String target, ConfigProto config) {
    TF_SessionOptions options = TF_NewSessionOptions();
    byte[] bytes = config.toByteArray();
    try (TF_Status status = TF_Status.newStatus(); BytePointer configBytes = new BytePointer(bytes)) {
      TF_SetTarget(options, target);
      TF_SetConfig(options, configBytes, bytes.length, status);
      status.throwExceptionIfNotOK();
      TF_Session session = TF_NewSession(nativeHandle(graph), options, status);
      status.throwExceptionIfNotOK();
      return wrap(graph, session);
    } finally {
      TF_DeleteSessionOptions(options);
    }
  }

  private static Session wrap(Graph graph, TF_Session session) {
    Session wrapped;
    try {
      Constructor<Session> constructor = Session.class.getDeclaredConstructor(Graph.class, TF_Session.class);
      constructor.setAccessible(true);
      wrapped = constructor.newInstance(graph, session);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("TF Java could not wrap the targeted session: " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this TF Java version has no Session(Graph, TF_Session) constructor to wrap"
          + " a targeted session (written for TF Java 1.1): " + e, e);
    }
    // That constructor makes a session without autoInit (it serves SavedModel loading): run the
    // graph's init-scope ops now, as the public constructors' sessions do before their first run.
    try {
      wrapped.initialize();
    } catch (RuntimeException e) {
      wrapped.close();
      throw e;
    }
    return wrapped;
  }

  private static TF_Graph nativeHandle(Graph graph) {
    return (TF_Graph) field(graph, "nativeHandle");
  }

  private static Object field(Graph graph, String name) {
    try {
      Field field = Graph.class.getDeclaredField(name);
      field.setAccessible(true);
      Object value = field.get(graph);
      if (value == null) {
        throw new IllegalStateException("the graph is closed");
      }
      return value;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this TF Java version's Graph has no field '" + name
          + "' (written for TF Java 1.1): " + e, e);
    }
  }
}
