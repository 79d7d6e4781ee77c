package dev.helmholtz.samples.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: the first {@code leftColumns} columns left-aligned, the rest right-aligned.
 * Public for the benchmarks' tables ({@code bench/}).
 */
public final class TextTable {
  private final String[] header;
  private final int leftColumns;
  private final List<String[]> rows = new ArrayList<>();

  public TextTable(int leftColumns, String... header) {
    this.header = header.clone();
    this.leftColumns = leftColumns;
  }

  public TextTable row(String... cells) {
    if (cells.length != header.length) {
      throw new IllegalArgumentException("a row of " + cells.length + " cells in a table of " + header.length);
    }
    rows.add(cells.clone());
    return this;
  }

  public boolean isEmpty() {
    return rows.isEmpty();
  }

  public void print(PrintStream out) {
    int[] widths = new int[header.length];
    for (int i = 0; i < header.length; i++) {
      widths[i] = header[i].length();
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    printRow(out, header, widths);
    String[] rule = new String[header.length];
    for (int i = 0; i < rule.length; i++) {
      rule[i] = "-".repeat(widths[i]);
    }
    printRow(out, rule, widths);
    rows.forEach(r -> printRow(out, r, widths));
  }

  private void printRow(PrintStream out, String[] cells, int[] widths) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String pad = " ".repeat(widths[i] - cells[i].length());
      b.append(i < leftColumns ? cells[i] + pad : pad + cells[i]).append(i + 1 < cells.length ? "  " : "");
    }
    out.println(b.toString().stripTrailing());
  }
}
