package dev.helmholtz.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The benchmarks' command line lists its commands and every command's --help renders cleanly (an
 * unescaped '%' in a description prints a picocli warning instead of the text).
 */
class BenchCliTest {
  @Test
  void helpListsTheBenchmarkCommands() {
    StringWriter out = new StringWriter();
    CommandLine cli = BenchCli.commandLine();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("--help"));
    for (String command : new String[] {"bench", "bench-vae", "bench-processor", "bench-density"}) {
      assertTrue(out.toString().contains("  " + command + " "), () -> command + " not listed in:\n" + out);
    }
  }

  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    Map<String, CommandLine> commands = BenchCli.commandLine().getSubcommands();
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
        String usage = e.getValue().getUsageMessage();
        assertTrue(usage.contains("Usage: helmholtz-bench " + e.getKey()), usage);
        assertFalse(usage.contains("%n"), e.getKey() + ": an unformatted description:\n" + usage);
      }
    } finally {
      System.setErr(saved);
    }
    String warnings = err.toString(StandardCharsets.UTF_8);
    assertFalse(warnings.contains("picocli WARN"), warnings);
  }

  /** Each description element ends a sentence: picocli breaks the line after each (see HelpTextTest). */
  @Test
  void everyDescriptionIsWholeParagraphs() {
    for (Map.Entry<String, CommandLine> e : BenchCli.commandLine().getSubcommands().entrySet()) {
      for (String paragraph : e.getValue().getCommandSpec().usageMessage().description()) {
        assertTrue(paragraph.replace("%n", "").strip().endsWith("."), () -> e.getKey() + ": '" + paragraph + "'");
      }
    }
  }
}
