package dev.helmholtz.samples.iwae;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The VAE of Burda et al.'s comparison with k = 50: the ELBO averaged over 50 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.ELBO, samples = 50))
public class VaeK50 extends BurdaModel {}
