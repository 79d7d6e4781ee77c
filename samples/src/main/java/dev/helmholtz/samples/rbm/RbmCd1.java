package dev.helmholtz.samples.rbm;

import dev.helmholtz.annotations.Model;

/** The MNIST RBM trained by CD-1: each update's chain starts at the data and runs one Gibbs sweep. */
@Model
public class RbmCd1 extends MnistRbm {}
