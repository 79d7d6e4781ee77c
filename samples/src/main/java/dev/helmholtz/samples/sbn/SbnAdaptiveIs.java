package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/**
 * The sigmoid belief net of {@link SigmoidBeliefNetwork} trained by adaptive importance sampling,
 * 5 samples (ZhuSuan's {@code sbn_adaptive_is}: the proposal fitted on the inclusive KL).
 */
@Model(objective = @Objective(kind = ObjectiveKind.ADAPTIVE_IMPORTANCE_SAMPLING, samples = 5))
public class SbnAdaptiveIs extends SigmoidBeliefNetwork {}
