package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.gan.RingWgan;
import dev.helmholtz.samples.gan.RingWganModel;
import dev.helmholtz.train.ThreadSettings;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command's --help renders cleanly: picocli formats descriptions with String.format, so an
 * unescaped '%' in one ("11.97% +- 1.71", as ssvae's had) prints a warning instead of the text.
 */
class HelpTextTest {
  @Test
  void everyCommandsHelpFormatsWithoutWarnings() {
    CommandLine cli = HelmholtzCli.commandLine();
    Map<String, CommandLine> commands = cli.getSubcommands();
    assertTrue(commands.size() > 10, commands.keySet().toString());
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      for (Map.Entry<String, CommandLine> e : commands.entrySet()) {
        String usage = e.getValue().getUsageMessage();
        assertFalse(usage.isBlank(), e.getKey());
        assertFalse(usage.contains("%n"), e.getKey() + ": an unformatted description:\n" + usage);
      }
    } finally {
      System.setErr(saved);
    }
    String warnings = err.toString(StandardCharsets.UTF_8);
    assertFalse(warnings.contains("picocli WARN"), warnings);
  }

  /**
   * picocli prints each element of a description on lines of its own and lists a command by its
   * first element, so descriptions hand-wrapped into several elements printed 'train --help' and
   * the command list cut mid-sentence. Each element must be a whole paragraph, left to picocli to wrap.
   */
  @Test
  void everyDescriptionIsWholeParagraphs() {
    assertWholeParagraphs(HelmholtzCli.commandLine());
  }

  /** Checks {@code cli}'s subcommands: each description element ends a sentence (%n, a format line break, aside). */
  static void assertWholeParagraphs(CommandLine cli) {
    for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
      String[] paragraphs = e.getValue().getCommandSpec().usageMessage().description();
      assertTrue(paragraphs.length > 0, e.getKey() + " has no description");
      for (String paragraph : paragraphs) {
        assertTrue(paragraph.replace("%n", "").strip().endsWith("."), () -> e.getKey() + ": a description element that does not end a"
            + " sentence, so its help breaks the line there: '" + paragraph + "' of " + Arrays.toString(paragraphs));
      }
    }
  }

  /** wgan-gp-ring's help states the model's penalty weight and critic steps (it once said 10 for 0.1). */
  @Test
  void theRingWganHelpStatesTheModelsPenaltyAndCriticSteps() {
    String description = String.join(" ",
        HelmholtzCli.commandLine().getSubcommands().get("wgan-gp-ring").getCommandSpec().usageMessage().description());
    try (RingWganModel model = RingWganModel.create(new RingWgan(), Seed.of(1), ThreadSettings.of(1, 1))) {
      String penalty = java.math.BigDecimal.valueOf(model.spec().gradientPenalty()).stripTrailingZeros().toPlainString();
      assertTrue(description.contains(model.spec().discriminatorSteps() + " critic steps per generator step, gradient"
          + " penalty " + penalty + ")"), "penalty " + penalty + ", " + model.spec().discriminatorSteps()
          + " critic steps; help: " + description);
    }
  }
}
