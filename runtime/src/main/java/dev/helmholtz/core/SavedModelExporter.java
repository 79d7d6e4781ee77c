package dev.helmholtz.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * Writes a SavedModel of a session's graph with Helmholtz's signatures (see {@link
 * dev.helmholtz.variational.VariationalModel#exportSavedModel}), into a temporary sibling
 * directory that is renamed into place once complete, so a crash never leaves a half-written
 * export where a server would load it.
 */
public final class SavedModelExporter {
  /** TensorFlow Serving's method name for the Predict API. */
  public static final String PREDICT_METHOD = "tensorflow/serving/predict";
  public static final String GENERATE = "generate";
  public static final String GENERATE_CLASSES = "generate_classes";
  public static final String ENCODE = "encode";
  public static final String RECONSTRUCT = "reconstruct";

  private SavedModelExporter() {}

  /**
   * @param classInputs the inputs of {@code generate_classes} (those of {@code generate} and the
   *     enumerated latent's rows), or {@code null} for a model without an enumerated latent
   * @param encodeInputs the observed inputs of {@code encode} and {@code reconstruct}, or {@code
   *     null} for a model without them
   */
  public static void export(Session session, Path directory, Map<String, Operand<?>> generateInputs,
      Map<String, Operand<?>> generateOutputs, Map<String, Operand<?>> classInputs,
      Map<String, Operand<?>> encodeInputs,
      Map<String, Operand<?>> encodeOutputs, Map<String, Operand<?>> reconstructOutputs)
      throws IOException {
    Path target = directory.toAbsolutePath().normalize();
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "the SavedModel export directory exists; export into a new one (TensorFlow Serving"
              + " expects one numbered directory per model version)");
    }
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
    } catch (FileSystemException e) {
      throw new NotDirectoryException(parent + ": cannot create the directory for the SavedModel ("
          + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName()) + ")");
    }
    Signature generate = signature(GENERATE, generateInputs, generateOutputs);
    SavedModelBundle.Exporter exporter;
    Path temporary = parent.resolve("." + target.getFileName() + ".tmp-"
        + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
    exporter = SavedModelBundle.exporter(temporary.toString()).withSession(session)
        .withSignature(generate);
    if (classInputs != null) {
      exporter.withSignature(signature(GENERATE_CLASSES, classInputs, generateOutputs));
    }
    if (encodeInputs != null) {
      Signature reconstruct = signature(RECONSTRUCT, encodeInputs, reconstructOutputs);
      exporter.withSignature(signature(ENCODE, encodeInputs, encodeOutputs))
          .withSignature(reconstruct)
          .withSignature(signature(Signature.DEFAULT_KEY, encodeInputs, reconstructOutputs));
    } else {
      exporter.withSignature(signature(Signature.DEFAULT_KEY, generateInputs, generateOutputs));
    }
    try {
      exporter.export();
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (TensorFlowException e) {
      throw new IOException("cannot export the SavedModel to " + target + ": " + e.getMessage(), e);
    } finally {
      dev.helmholtz.train.Checkpoints.deleteRecursively(temporary);
    }
  }

  private static Signature signature(String key, Map<String, Operand<?>> inputs,
      Map<String, Operand<?>> outputs) {
    Signature.Builder b = Signature.builder().key(key).methodName(PREDICT_METHOD);
    inputs.forEach(b::input);
    outputs.forEach(b::output);
    return b.build();
  }
}
