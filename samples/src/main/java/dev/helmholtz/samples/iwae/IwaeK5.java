package dev.helmholtz.samples.iwae;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The importance-weighted autoencoder of Burda et al. (2016) with k = 5 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 5))
public class IwaeK5 extends BurdaModel {}
