package dev.helmholtz.samples.cli;

import dev.helmholtz.graph.Seed;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeAdaptiveIs;
import dev.helmholtz.samples.ssvae.SemiSupervisedVaeAdaptiveIsModel;
import dev.helmholtz.train.ThreadSettings;
import dev.helmholtz.variational.VariationalModel;
import picocli.CommandLine.Command;

/**
 * M2 (the ssvae command's model and data) trained by adaptive importance sampling, ZhuSuan's
 * {@code vae_ssl_adaptive_is}: y drawn from q(y | x) where unlabelled, clamped where labelled.
 */
@Command(
    name = "ssvae-adaptive-is",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Trains the semi-supervised VAE M2 of Kingma et al. (2014) as the ssvae command does, but by"
        + " adaptive importance sampling with 10 samples (ZhuSuan's vae_ssl_adaptive_is): an unlabelled"
        + " image's samples draw y from q(y | x) and z from q(z | x, y), a labelled image's samples all take"
        + " its label, and p and q are fitted on the self-normalized importance weights (q on the inclusive"
        + " KL), plus alpha log q(y | x) on labelled rows. Prints the test error of q(y | x) next to Kingma et"
        + " al.'s M2 (11.97%% +- 1.71) and the test ELBO with y summed out; writes digits.png,"
        + " training-curves.png and metrics.json. Checkpoints go to OUTPUT/checkpoints; SIGINT or SIGTERM"
        + " finishes the step, writes a checkpoint and exits with 130, and --resume continues from it.",
    exitCodeListHeading = ExitCodes.HEADING,
    exitCodeList = {ExitCodes.HELP_OK, ExitCodes.HELP_FAILED, ExitCodes.HELP_BAD_INPUT,
        ExitCodes.HELP_INTERRUPTED})
public final class SsvaeAdaptiveIsCommand extends SsvaeCommand {
  @Override
  String name() {
    return "ssvae-adaptive-is";
  }

  @Override
  String objective() {
    return "adaptive importance sampling, k = 10, y drawn from q(y | x) where unlabelled and clamped where labelled";
  }

  @Override
  VariationalModel createModel(Seed seed, ThreadSettings threads) {
    return SemiSupervisedVaeAdaptiveIsModel.create(new SemiSupervisedVaeAdaptiveIs(), seed, threads);
  }
}
