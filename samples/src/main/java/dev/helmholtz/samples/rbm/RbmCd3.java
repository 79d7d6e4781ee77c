package dev.helmholtz.samples.rbm;

import dev.helmholtz.annotations.Energy;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The MNIST RBM trained by CD-3, one of the three training methods Salakhutdinov and Murray
 * (2008) compare: each update's chain starts at the data and runs 3 Gibbs sweeps.
 */
@Model
public class RbmCd3 extends MnistRbm {
  @Energy(gibbsSteps = 3, meanReconstruction = true)
  @Override
  Operand<TFloat32> energy(Nn nn, Operand<TFloat32> pixels, Operand<TFloat32> features) {
    return super.energy(nn, pixels, features);
  }
}
