package dev.helmholtz.samples.sbn;

import dev.helmholtz.annotations.Model;
import dev.helmholtz.annotations.Objective;
import dev.helmholtz.annotations.ObjectiveKind;

/** The sigmoid belief net of {@link SigmoidBeliefNetwork} trained with wake-sleep (Hinton et al. 1995). */
@Model(objective = @Objective(kind = ObjectiveKind.WAKE_SLEEP))
public class SbnWakeSleep extends SigmoidBeliefNetwork {}
