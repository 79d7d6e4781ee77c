package dev.helmholtz.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Wake-sleep (Hinton et al. 1995): the wake phase maximizes log p(x, z); reported and validated as the ELBO. */
public final class WakeSleepObjective extends SleepPhaseObjective {
  WakeSleepObjective(int samples) {
    super("wake-sleep", samples, false);
  }

  @Override
  Operand<TFloat32> wake(Ops tf, ObjectivePass pass) {
    return WakeSleep.wake(tf, pass.logJoint());
  }

  @Override
  Operand<TFloat32> reportedBound(Ops tf, ObjectivePass pass) {
    return pass.elboPerExample();
  }
}
