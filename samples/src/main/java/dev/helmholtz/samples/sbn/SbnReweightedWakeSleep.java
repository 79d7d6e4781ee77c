package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/**
 * The sigmoid belief net of {@link SigmoidBeliefNetwork} trained with reweighted wake-sleep, 5 samples
 * (Bornschein &amp; Bengio 2015).
 */
@Model(objective = @Objective(kind = ObjectiveKind.REWEIGHTED_WAKE_SLEEP, samples = 5))
public class SbnReweightedWakeSleep extends SigmoidBeliefNetwork {}
