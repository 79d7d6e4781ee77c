package dev.helmholtz.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.helmholtz.graph.TfTesting.Fetched;
import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

/** Convolution, transposed convolution, pooling and reshaping layers against hand computation. */
class NnConvolutionTest {

  /** out[n,i,j,f] = sum x[n, i*s + a*d - pad, j*s + b*d - pad, c] w[a,b,c,f] + bias[f], zero outside. */
  private static float[] conv(float[] x, long[] xs, float[] w, int k, int filters, int stride, int dilation,
      int padTop, int padLeft, int oh, int ow) {
    int n = (int) xs[0];
    int h = (int) xs[1];
    int wd = (int) xs[2];
    int c = (int) xs[3];
    float[] out = new float[n * oh * ow * filters];
    for (int b = 0; b < n; b++) {
      for (int i = 0; i < oh; i++) {
        for (int j = 0; j < ow; j++) {
          for (int f = 0; f < filters; f++) {
            double sum = 0;
            for (int a = 0; a < k; a++) {
              for (int bb = 0; bb < k; bb++) {
                int r = i * stride + a * dilation - padTop;
                int col = j * stride + bb * dilation - padLeft;
                if (r < 0 || r >= h || col < 0 || col >= wd) {
                  continue;
                }
                for (int ch = 0; ch < c; ch++) {
                  sum += x[((b * h + r) * wd + col) * c + ch] * w[((a * k + bb) * c + ch) * filters + f];
                }
              }
            }
            out[((b * oh + i) * ow + j) * filters + f] = (float) sum;
          }
        }
      }
    }
    return out;
  }

  private static void assertClose(float[] expected, float[] actual, double tol) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, "element " + i);
    }
  }

  @Test
  void conv2dValidStrideOneMatchesHandComputation() {
    long[] xs = {2, 5, 4, 3};
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION,
        (nn, x) -> nn.conv2d(x, 2, 3, 1, Padding.VALID, Activation.LINEAR))) {
      float[] in = LayerHarness.ramp(xs);
      Fetched y = h.output(in);
      assertArrayEquals(new long[] {2, 3, 2, 2}, y.shape());
      float[] w = h.variable("net/conv2d_0/kernel").values();
      assertArrayEquals(new long[] {3, 3, 3, 2}, h.variable("net/conv2d_0/kernel").shape());
      assertClose(conv(in, xs, w, 3, 2, 1, 1, 0, 0, 3, 2), y.values(), 1e-5);
      h.checkInputGradient(in, 2e-2);
    }
  }

  @Test
  void conv2dSameStrideTwoPadsAsTensorFlowDoes() {
    // in 5, k 3, s 2: out 3, total padding max((3-1)*2 + 3 - 5, 0) = 2, 1 on top.
    long[] xs = {1, 5, 6, 2};
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION,
        (nn, x) -> nn.conv2d(x, 3, 3, 2, Padding.SAME, Activation.LEAKY_RELU))) {
      float[] in = LayerHarness.ramp(xs);
      Fetched y = h.output(in);
      assertArrayEquals(new long[] {1, 3, 3, 3}, y.shape());
      float[] w = h.variable("net/conv2d_0/kernel").values();
      // width 6, k 3, s 2: out 3, total padding (3-1)*2 + 3 - 6 = 1, 0 on the left.
      float[] expected = conv(in, xs, w, 3, 3, 2, 1, 1, 0, 3, 3);
      for (int i = 0; i < expected.length; i++) {
        expected[i] = expected[i] > 0 ? expected[i] : 0.2f * expected[i];
      }
      assertClose(expected, y.values(), 1e-5);
      h.checkInputGradient(in, 2e-2);
    }
  }

  @Test
  void dilatedConvolutionSpreadsTheTaps() {
    long[] xs = {1, 6, 6, 1};
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION,
        (nn, x) -> nn.conv2d(x, 2, 3, 1, Padding.VALID, 2, Activation.LINEAR))) {
      float[] in = LayerHarness.ramp(xs);
      Fetched y = h.output(in);
      assertArrayEquals(new long[] {1, 2, 2, 2}, y.shape());
      float[] w = h.variable("net/conv2d_0/kernel").values();
      assertClose(conv(in, xs, w, 3, 2, 1, 2, 0, 0, 2, 2), y.values(), 1e-5);
    }
  }

  @Test
  void transposedConvolutionIsTheAdjointOfConvolution() {
    // VALID: out (3 - 1) * 2 + 3 = 7. <convT(y, W), x> = <y, conv(x, W)> for every x, y.
    long[] ys = {2, 3, 3, 2};
    try (LayerHarness h = new LayerHarness(ys, Mode.EVALUATION,
        (nn, x) -> nn.conv2dTranspose(x, 3, 3, 2, Padding.VALID))) {
      float[] in = LayerHarness.ramp(ys);
      Fetched out = h.output(in);
      assertArrayEquals(new long[] {2, 7, 7, 3}, out.shape());
      assertEquals(Shape.of(-1, 7, 7, 3).numDimensions(), h.y.shape().numDimensions());
      assertEquals(7, h.y.shape().get(1));
      assertEquals(3, h.y.shape().get(3));
      float[] w = h.variable("net/conv2d_transpose_0/kernel").values();  // [k, k, filters=3, in=2]
      // Conv kernel of the adjoint: [k, k, 3, 2] read as [a, b, c=3, f=2].
      long[] xs = {2, 7, 7, 3};
      float[] probe = new float[(int) Shape.of(xs).size()];
      for (int i = 0; i < probe.length; i++) {
        probe[i] = (float) Math.cos(0.37 * i);
      }
      float[] convProbe = conv(probe, xs, w, 3, 2, 2, 1, 0, 0, 3, 3);
      double lhs = 0;
      for (int i = 0; i < probe.length; i++) {
        lhs += (double) out.get(i) * probe[i];
      }
      double rhs = 0;
      for (int i = 0; i < in.length; i++) {
        rhs += (double) in[i] * convProbe[i];
      }
      assertEquals(rhs, lhs, 1e-3 * Math.max(1, Math.abs(rhs)));
      h.checkInputGradient(in, 2e-2);
    }
  }

  @Test
  void transposedConvolutionSameMultipliesBySride() {
    long[] ys = {3, 7, 7, 4};
    try (LayerHarness h = new LayerHarness(ys, Mode.EVALUATION,
        (nn, x) -> nn.conv2dTranspose(x, 1, 4, 2, Padding.SAME, Activation.SIGMOID))) {
      assertEquals(Shape.of(3, 14, 14, 1), h.y.shape());
      Fetched out = h.output(LayerHarness.ramp(ys));
      assertArrayEquals(new long[] {3, 14, 14, 1}, out.shape());
      for (float v : out.values()) {
        assertTrue(v > 0 && v < 1);
      }
    }
  }

  @Test
  void poolingMatchesHandComputation() {
    long[] xs = {1, 4, 5, 2};
    float[] in = LayerHarness.ramp(xs);
    try (LayerHarness max = new LayerHarness(xs, Mode.EVALUATION, (nn, x) -> nn.maxPool(x, 2, 2, Padding.VALID));
        LayerHarness avg = new LayerHarness(xs, Mode.EVALUATION, (nn, x) -> nn.avgPool(x, 2, 2, Padding.SAME))) {
      Fetched m = max.output(in);
      assertArrayEquals(new long[] {1, 2, 2, 2}, m.shape());
      Fetched a = avg.output(in);
      assertArrayEquals(new long[] {1, 2, 3, 2}, a.shape());
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int c = 0; c < 2; c++) {
            double best = Double.NEGATIVE_INFINITY;
            double sum = 0;
            int count = 0;
            for (int di = 0; di < 2; di++) {
              for (int dj = 0; dj < 2; dj++) {
                int r = 2 * i + di;
                int col = 2 * j + dj;
                if (r < 4 && col < 5) {
                  float v = in[(r * 5 + col) * 2 + c];
                  best = Math.max(best, v);
                  sum += v;
                  count++;
                }
              }
            }
            if (j < 2) {
              assertEquals(best, m.get((i * 2 + j) * 2 + c), 1e-6);
            }
            // SAME average pooling counts only the inside elements of a border window.
            assertEquals(sum / count, a.get((i * 3 + j) * 2 + c), 1e-6);
          }
        }
      }
      max.checkInputGradient(in, 2e-2);
      avg.checkInputGradient(in, 2e-2);
    }
  }

  @Test
  void flattenAndReshapeKeepRows() {
    long[] xs = {2, 3, 2, 2};
    try (LayerHarness h = new LayerHarness(xs, Mode.EVALUATION,
        (nn, x) -> nn.reshape(nn.flatten(x), 6, 2))) {
      assertEquals(Shape.of(-1, 6, 2).numDimensions(), h.y.shape().numDimensions());
      float[] in = LayerHarness.ramp(xs);
      Fetched y = h.output(in);
      assertArrayEquals(new long[] {2, 6, 2}, y.shape());
      assertArrayEquals(in, y.values());
    }
  }

  @Test
  void shapeMismatchesNameTheNetworkAndLayer() {
    LayerBuildException rank = assertThrows(LayerBuildException.class, () -> new LayerHarness(new long[] {2, 9},
        Mode.EVALUATION, (nn, x) -> nn.conv2d(nn.dense(x, 4), 2, 3, 1, Padding.SAME)));
    assertTrue(rank.getMessage().startsWith("network 'net', layer conv2d_0"), rank.getMessage());
    assertTrue(rank.getMessage().contains("[n, height, width, channels]"), rank.getMessage());
    assertEquals("conv2d_0", rank.layer());

    LayerBuildException window = assertThrows(LayerBuildException.class, () -> new LayerHarness(
        new long[] {2, 4, 4, 1}, Mode.EVALUATION,
        (nn, x) -> nn.conv2d(nn.conv2d(x, 2, 3, 1, Padding.VALID), 2, 3, 1, Padding.VALID)));
    // 4 -> 2 after the first: the second 3-wide VALID window does not fit.
    assertTrue(window.getMessage().startsWith("network 'net', layer conv2d_1"), window.getMessage());
    assertTrue(window.getMessage().contains("does not fit the input's height 2"), window.getMessage());

    LayerBuildException size = assertThrows(LayerBuildException.class, () -> new LayerHarness(
        new long[] {2, 12}, Mode.EVALUATION, (nn, x) -> nn.reshape(x, 5, 2)));
    assertTrue(size.getMessage().contains("layer reshape_0") && size.getMessage().contains("12 elements"),
        size.getMessage());
  }
}
