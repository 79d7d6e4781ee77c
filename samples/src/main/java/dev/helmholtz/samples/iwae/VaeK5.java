package dev.helmholtz.samples.iwae;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The VAE of Burda et al.'s comparison with k = 5: the ELBO averaged over 5 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO, samples = 5))
public class VaeK5 extends BurdaModel {}
