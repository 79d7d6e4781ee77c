package dev.helmholtz.samples.rbm;

import dev.helmholtz.annotations.Energy;
import dev.helmholtz.annotations.Model;
import dev.helmholtz.nn.Nn;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;

/**
 * The MNIST RBM trained by persistent CD (Tieleman 2008): 100 chains, one Gibbs sweep each per
 * update, kept from update to update.
 */
@Model
public class RbmPcd extends MnistRbm {
  @Energy(persistentChains = 100)
  @Override
  Operand<TFloat32> energy(Nn nn, Operand<TFloat32> pixels, Operand<TFloat32> features) {
    return super.energy(nn, pixels, features);
  }
}
