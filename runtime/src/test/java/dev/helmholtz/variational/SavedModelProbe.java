package dev.helmholtz.variational;

import dev.helmholtz.train.ThreadSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Run in a fresh JVM by {@link SavedModelExportTest}: loads a SavedModel with TensorFlow alone
 * (no Helmholtz class involved), calls every signature, and writes each output's values as
 * exact hexadecimal floats, one line per output: {@code signature output v0 v1 ...}.
 *
 * <p>Arguments: export directory, input file (rows of floats, one row per line), output file,
 * n for {@code generate}.
 */
public final class SavedModelProbe {
  public static void main(String[] args) throws Exception {
    Path export = Path.of(args[0]);
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] parts = line.trim().split(" ");
      float[] row = new float[parts.length];
      for (int i = 0; i < parts.length; i++) {
        row[i] = Float.parseFloat(parts[i]);
      }
      rows.add(row);
    }
    int n = Integer.parseInt(args[3]);
    int width = rows.get(0).length;
    float[] flat = new float[rows.size() * width];
    for (int i = 0; i < rows.size(); i++) {
      System.arraycopy(rows.get(i), 0, flat, i * width, width);
    }
    List<String> out = new ArrayList<>();
    try (SavedModelBundle bundle = SavedModelBundle.loader(export.toString()).withTags("serve")
        .withConfigProto(ThreadSettings.of(1, 1).toConfig()).load()) {
      // generate first: its random streams continue from the exported position.
      for (String signature : new String[] {"generate", "encode", "reconstruct", "serving_default"}) {
        Map<String, Tensor> inputs = new LinkedHashMap<>();
        try (TInt32 count = TInt32.scalarOf(n);
            TFloat32 x = TFloat32.tensorOf(Shape.of(rows.size(), width), DataBuffers.of(flat, true, false))) {
          if (signature.equals("generate")) {
            inputs.put("n", count);
          } else {
            inputs.put("x", x);
          }
          try (Result result = bundle.function(signature).call(inputs)) {
            Map<String, Tensor> sorted = new TreeMap<>();
            result.forEach(e -> sorted.put(e.getKey(), e.getValue()));
            for (Map.Entry<String, Tensor> e : sorted.entrySet()) {
              TFloat32 t = (TFloat32) e.getValue();
              float[] values = new float[(int) t.shape().size()];
              t.copyTo(DataBuffers.of(values, false, false));
              StringBuilder line = new StringBuilder(signature + " " + e.getKey());
              for (float v : values) {
                line.append(' ').append(Float.toHexString(v));
              }
              out.add(line.toString());
            }
          }
        }
      }
    }
    Files.write(Path.of(args[2]), out);
  }
}
