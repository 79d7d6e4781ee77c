package dev.helmholtz.processor.codegen;

import java.util.Locale;

/**
 * Node names are any string ({@code @Observed(name = "pixels/28x28")} names a data column), but
 * generated comments must stay comments and generated names Java identifiers: these make a name
 * safe to print inside a comment or to use in code.
 */
final class SourceText {
  private SourceText() {}

  /**
   * A name as Javadoc HTML text: markup characters, tag starts and {@code *}{@code /} as
   * character references, and backslashes too, since javac reads {@code \\u} escapes even in
   * comments. Identifiers come back unchanged.
   */
  static String javadoc(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '@', '{', '}', '\\' -> b.append("&#").append((int) c).append(';');
        case '/' -> b.append(i > 0 && text.charAt(i - 1) == '*' ? "&#47;" : "/");
        default -> b.append(Character.isISOControl(c) ? "&#" + (int) c + ";" : String.valueOf(c));
      }
    }
    return b.toString();
  }

  /** A name as code in Javadoc: {@code {@code name}} when nothing needs escaping, else {@code <code>}. */
  static String javadocCode(String name) {
    String escaped = javadoc(name);
    return escaped.equals(name) ? "{@code " + name + "}" : "<code>" + escaped + "</code>";
  }

  /**
   * A name inside a {@code //} comment: backslashes doubled, so that no {@code \\u} escape can end
   * the comment, and line breaks and other control characters written as {@code \n}, {@code \r},
   * {@code \t} or {@code ?}.
   */
  static String lineComment(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> b.append(Character.isISOControl(c) ? '?' : c);
      }
    }
    return b.toString();
  }

  /** A Java identifier for a node name (names from {@code @Latent(name)} may be any string). */
  static String identifier(String name) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(i == 0 ? (Character.isJavaIdentifierStart(c) ? c : '_')
          : (Character.isJavaIdentifierPart(c) ? c : '_'));
    }
    return b.length() == 0 ? "node" : b.toString();
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}
