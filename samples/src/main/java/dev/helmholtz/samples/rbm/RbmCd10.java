package dev.helmholtz.samples.rbm;

import dev.helmholtz.annotations.Energy;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/** The MNIST RBM trained by CD-10: each update's chain starts at the data and runs ten Gibbs sweeps. */
@Model
public class RbmCd10 extends MnistRbm {
  @Energy(gibbsSteps = 10, meanReconstruction = true)
  @Override
  Operand<TFloat32> energy(Nn nn, Operand<TFloat32> pixels, Operand<TFloat32> features) {
    return super.energy(nn, pixels, features);
  }
}
