package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The sigmoid belief net of {@link SigmoidBeliefNetwork} trained with VIMCO, 5 samples (Mnih &amp; Rezende 2016). */
@Model(objective = @Objective(kind = ObjectiveKind.VIMCO, samples = 5))
public class SbnVimco extends SigmoidBeliefNetwork {}
