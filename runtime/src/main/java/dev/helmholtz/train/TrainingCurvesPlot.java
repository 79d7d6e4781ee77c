package dev.helmholtz.train;

import dev.helmholtz.data.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;

/**
 * A PNG plot of the training curves, drawn with XChart: the training objective of every epoch,
 * the validation objective where there is one (left axis), and the learning rate when it changed
 * (right axis). Written atomically, like {@link dev.helmholtz.data.ImageGrid}.
 */
public final class TrainingCurvesPlot {
  public static final int WIDTH = 900;
  public static final int HEIGHT = 520;

  private TrainingCurvesPlot() {}

  /**
   * Writes the plot of {@code history} to {@code file}.
   *
   * @throws IllegalArgumentException if the history is empty
   * @throws java.nio.file.NoSuchFileException if the parent directory does not exist (naming it)
   */
  public static void write(Path file, List<EpochRecord> history, String title) throws IOException {
    BufferedImage image = render(history, title);
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) {
        throw new IOException("no PNG writer available in javax.imageio");
      }
    });
  }

  static BufferedImage render(List<EpochRecord> history, String title) {
    Objects.requireNonNull(history, "history");
    if (history.isEmpty()) {
      throw new IllegalArgumentException("no epochs to plot: the training history is empty");
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
        .title(title == null ? "training" : title)
        .xAxisTitle("epoch").yAxisTitle("objective (nats, higher is better)").build();
    Styler styler = chart.getStyler();
    styler.setLegendPosition(Styler.LegendPosition.OutsideS);
    styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    styler.setMarkerSize(history.size() > 60 ? 0 : 5);
    styler.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);

    int n = history.size();
    double[] epochs = new double[n];
    double[] train = new double[n];
    double[] rates = new double[n];
    int validated = 0;
    for (int i = 0; i < n; i++) {
      EpochRecord r = history.get(i);
      epochs[i] = r.epoch();
      train[i] = finiteOr(r.trainObjective());
      rates[i] = r.learningRate();
      validated += r.validated() ? 1 : 0;
    }
    chart.addSeries("train objective", epochs, train);
    if (validated > 0) {
      double[] x = new double[validated];
      double[] y = new double[validated];
      int j = 0;
      for (EpochRecord r : history) {
        if (r.validated()) {
          x[j] = r.epoch();
          y[j++] = finiteOr(r.validationObjective());
        }
      }
      chart.addSeries("validation objective", x, y);
    }
    boolean rateChanged = false;
    for (double r : rates) {
      rateChanged |= Double.compare(r, rates[0]) != 0;
    }
    if (rateChanged) {
      XYSeries rate = chart.addSeries("learning rate", epochs, rates);
      rate.setYAxisGroup(1);
      chart.setYAxisGroupTitle(1, "learning rate");
    }
    return BitmapEncoder.getBufferedImage(chart);
  }

  /** XChart cannot place non-finite values: they are drawn at 0 (a diverged epoch is obvious). */
  private static double finiteOr(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
