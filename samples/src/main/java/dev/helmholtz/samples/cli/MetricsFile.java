package dev.helmholtz.samples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/** Writes a flat map of numbers and strings as a JSON object, atomically (temp file, then move). */
final class MetricsFile {
  private MetricsFile() {}

  /**
   * Records the settings a resumed run changed from its checkpoint's run ({@link
   * dev.helmholtz.train.TrainingSummary#settingsChanged()}) under {@code settings_changed_on_resume},
   * each as {@code "name: before -> now"}, separated by {@code "; "}; nothing when none changed.
   */
  static void putSettingsChanged(Map<String, Object> metrics, dev.helmholtz.train.TrainingSummary summary) {
    if (!summary.settingsChanged().isEmpty()) {
      metrics.put("settings_changed_on_resume", String.join("; ", summary.settingsChanged()));
    }
  }

  /**
   * {@link #putSettingsChanged} for a command that trains several models in turn: each stage's
   * changes prefixed with the stage's name ({@code "layer-0: learning rate: 0.05 -> 0.1"}).
   */
  static void putSettingsChanged(Map<String, Object> metrics, Map<String, dev.helmholtz.train.TrainingSummary> stages) {
    java.util.List<String> changes = new java.util.ArrayList<>();
    stages.forEach((stage, summary) -> summary.settingsChanged().forEach(c -> changes.add(stage + ": " + c)));
    if (!changes.isEmpty()) {
      metrics.put("settings_changed_on_resume", String.join("; ", changes));
    }
  }

  static void write(Path file, Map<String, Object> metrics) throws IOException {
    StringBuilder json = new StringBuilder("{\n");
    int i = 0;
    for (Map.Entry<String, Object> e : metrics.entrySet()) {
      json.append("  ").append(quote(e.getKey())).append(": ").append(value(e.getValue()))
          .append(++i < metrics.size() ? ",\n" : "\n");
    }
    json.append("}\n");
    // A sibling temp file with default permissions (createTempFile would make it owner-only).
    Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, json, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static String value(Object v) {
    if (v instanceof Double d) {
      return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
    }
    if (v instanceof Number n) {
      return n.toString();
    }
    return quote(String.valueOf(v));
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
