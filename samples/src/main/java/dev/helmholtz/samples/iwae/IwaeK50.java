package dev.helmholtz.samples.iwae;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The importance-weighted autoencoder of Burda et al. (2016) with k = 50 samples per example. */
@Model(objective = @Objective(kind = ObjectiveKind.IWAE, samples = 50))
public class IwaeK50 extends BurdaModel {}
