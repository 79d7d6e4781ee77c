package dev.helmholtz.samples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.check.SelfCheckOptions;
import dev.helmholtz.check.SelfCheckReport;
import dev.helmholtz.graph.Seed;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every sample model passes its self-check at the smallest size ({@link SelfCheckOptions#smoke()});
 * {@code check --model NAME} prints the report, and refuses an unknown name with exit code 2.
 */
class CheckCommandTest {
  static Stream<String> models() {
    return CheckedModels.names().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void everySampleModelPassesItsSelfCheck(String model) {
    SelfCheckReport report = CheckedModels.named(model).run(Seed.of(1), SelfCheckOptions.smoke());
    assertTrue(report.passed(), report.toString());
  }

  @Test
  void checkPrintsTheReport() {
    String out = run("check", "--model", "sbn-nvil", "--quick", "--examples", "2");
    assertTrue(out.contains("self-check of dev.helmholtz.samples.sbn.SbnNvil") && out.contains(" 0 failed,")
        && out.contains("skipped  latent z has 200 binary units"), out);
  }

  @Test
  void anUnknownModelIsBadInputNamingTheModels() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cli = HelmholtzCli.commandLine();
    cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
    assertEquals(ExitCodes.BAD_INPUT, cli.execute("check", "--model", "no-such-model"));
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("no sample model 'no-such-model'") && message.contains("sbn-nvil"), message);
  }

  @Test
  void helpListsTheModels() {
    StringBuilder help = new StringBuilder(HelmholtzCli.commandLine().getSubcommands().get("check").getUsageMessage());
    for (String model : CheckedModels.names()) {
      assertTrue(help.indexOf(model) >= 0, model + " missing from\n" + help);
    }
  }

  private static String run(String... args) {
    PrintStream previous = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = HelmholtzCli.commandLine().execute(args);
    } finally {
      System.setOut(previous);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertEquals(ExitCodes.OK, exit, text);
    return text;
  }
}
