package dev.helmholtz.samples.bayes;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG of a 1-d regression's predictive band: the band between two quantiles (shaded), the
 * median (line), the training points (dark) and held-out points (open). Drawn with Java2D, so no
 * plotting library is needed; written atomically (a temporary sibling, then a move), so an
 * existing file is never left half-written.
 */
public final class PredictiveBandPlot {
  private static final int WIDTH = 800;
  private static final int HEIGHT = 500;
  private static final int MARGIN = 60;

  private PredictiveBandPlot() {}

  /**
   * @param grid increasing inputs of the band
   * @param quantiles [3][grid]: lower, median, upper
   */
  public static void write(Path file, String title, double[] grid, double[][] quantiles, float[] trainX,
      float[] trainY, float[] testX, float[] testY) throws IOException {
    double xMin = grid[0];
    double xMax = grid[grid.length - 1];
    double yMin = Double.POSITIVE_INFINITY;
    double yMax = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < grid.length; i++) {
      yMin = Math.min(yMin, quantiles[0][i]);
      yMax = Math.max(yMax, quantiles[2][i]);
    }
    for (float v : trainY) {
      yMin = Math.min(yMin, v);
      yMax = Math.max(yMax, v);
    }
    double pad = 0.05 * (yMax - yMin);
    yMin -= pad;
    yMax += pad;
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      Scale sx = new Scale(xMin, xMax, MARGIN, WIDTH - MARGIN / 2.0);
      Scale sy = new Scale(yMin, yMax, HEIGHT - MARGIN, MARGIN / 2.0);

      Path2D band = new Path2D.Double();
      band.moveTo(sx.at(grid[0]), sy.at(quantiles[0][0]));
      for (int i = 1; i < grid.length; i++) {
        band.lineTo(sx.at(grid[i]), sy.at(quantiles[0][i]));
      }
      for (int i = grid.length - 1; i >= 0; i--) {
        band.lineTo(sx.at(grid[i]), sy.at(quantiles[2][i]));
      }
      band.closePath();
      g.setColor(new Color(120, 160, 230, 110));
      g.fill(band);
      Path2D median = new Path2D.Double();
      median.moveTo(sx.at(grid[0]), sy.at(quantiles[1][0]));
      for (int i = 1; i < grid.length; i++) {
        median.lineTo(sx.at(grid[i]), sy.at(quantiles[1][i]));
      }
      g.setColor(new Color(30, 70, 170));
      g.setStroke(new BasicStroke(2f));
      g.draw(median);
      g.setStroke(new BasicStroke(1f));
      g.setColor(new Color(200, 60, 40));
      for (int i = 0; i < testX.length; i++) {
        g.drawOval((int) sx.at(testX[i]) - 3, (int) sy.at(testY[i]) - 3, 6, 6);
      }
      g.setColor(Color.BLACK);
      for (int i = 0; i < trainX.length; i++) {
        g.fillOval((int) sx.at(trainX[i]) - 2, (int) sy.at(trainY[i]) - 2, 5, 5);
      }
      // Axes with five ticks each.
      g.setColor(Color.DARK_GRAY);
      g.drawRect(MARGIN, MARGIN / 2, WIDTH - MARGIN - MARGIN / 2, HEIGHT - MARGIN - MARGIN / 2);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int t = 0; t <= 4; t++) {
        double xv = xMin + t * (xMax - xMin) / 4;
        double yv = yMin + t * (yMax - yMin) / 4;
        int px = (int) sx.at(xv);
        int py = (int) sy.at(yv);
        g.drawLine(px, HEIGHT - MARGIN, px, HEIGHT - MARGIN + 5);
        g.drawString(String.format(Locale.ROOT, "%.1f", xv), px - 10, HEIGHT - MARGIN + 20);
        g.drawLine(MARGIN - 5, py, MARGIN, py);
        g.drawString(String.format(Locale.ROOT, "%.1f", yv), MARGIN - 45, py + 4);
      }
      g.drawString(title, MARGIN, 18);
      g.drawString("x", WIDTH / 2, HEIGHT - 15);
      g.drawString("y", 15, HEIGHT / 2);
    } finally {
      g.dispose();
    }
    writeAtomically(file, image);
  }

  private static void writeAtomically(Path file, BufferedImage image) throws IOException {
    Path absolute = file.toAbsolutePath();
    Path parent = absolute.getParent();
    if (parent == null || !Files.isDirectory(parent)) {
      throw new NoSuchFileException(String.valueOf(parent), null,
          "directory does not exist, so " + absolute.getFileName() + " cannot be written there");
    }
    Path temp = parent.resolve("." + absolute.getFileName() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(temp)) {
        if (!ImageIO.write(image, "png", out)) {
          throw new IOException("no PNG writer available in javax.imageio");
        }
      }
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** A linear map from data to pixels. */
  private record Scale(double from, double to, double pixelFrom, double pixelTo) {
    double at(double v) {
      return pixelFrom + (v - from) / (to - from) * (pixelTo - pixelFrom);
    }
  }
}
