package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The sigmoid belief net of {@link SigmoidBeliefNetwork} trained with NVIL (Mnih &amp; Gregor 2014). */
@Model(objective = @Objective(kind = ObjectiveKind.NVIL))
public class SbnNvil extends SigmoidBeliefNetwork {}
