import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Renders wgdesk's menu-bar icon as a macOS template image: the application icon's shield
 * (installers/src/linux/icons/wgdesk.svg, same coordinates) in black, its keyhole cut out, on a
 * transparent background, with no tile. macOS draws a template in the menu bar's own colour
 * (dark or light); the app's AWT tray uses it with -Dapple.awt.enableTemplateImages=true.
 *
 *   java installers/src/macos/tray/RenderTemplateIcon.java installers/src/macos/tray
 *
 * writes wgdeskTemplate.png (22 x 22, the menu bar's height in points) and wgdeskTemplate@2x.png
 * (44 x 44, Retina). The PNGs are committed: a build needs no renderer.
 */
public class RenderTemplateIcon {
    public static void main(String[] args) throws IOException {
        File dir = new File(args.length > 0 ? args[0] : ".");
        write(render(22), new File(dir, "wgdeskTemplate.png"));
        write(render(44), new File(dir, "wgdeskTemplate@2x.png"));
    }

    /** The shield minus the keyhole, in the SVG's 256 x 256 coordinates. */
    static Area shape() {
        Path2D.Double shield = new Path2D.Double();
        shield.moveTo(128, 34);
        shield.lineTo(204, 62);
        shield.lineTo(204, 120);
        shield.curveTo(204, 170, 172, 204, 128, 224);
        shield.curveTo(84, 204, 52, 170, 52, 120);
        shield.lineTo(52, 62);
        shield.closePath();
        // The keyhole: a circle of radius 26 around (128, 110) over a trapezoid down to y = 176.
        Area keyhole = new Area(new Ellipse2D.Double(128 - 26, 110 - 26, 52, 52));
        Path2D.Double foot = new Path2D.Double();
        foot.moveTo(114, 131.9);
        foot.lineTo(142, 131.9);
        foot.lineTo(150, 176);
        foot.lineTo(106, 176);
        foot.closePath();
        keyhole.add(new Area(foot));
        Area a = new Area(shield);
        a.subtract(keyhole);
        return a;
    }

    static BufferedImage render(int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        var g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        // The shield spans x 52..204, y 34..224 (190 high): fit it in the icon minus a margin.
        double margin = size / 11.0;
        double scale = (size - 2 * margin) / 190.0;
        AffineTransform t = new AffineTransform();
        t.translate(size / 2.0, size / 2.0);
        t.scale(scale, scale);
        t.translate(-128, -129);
        g.setColor(java.awt.Color.BLACK);
        g.fill(shape().createTransformedArea(t));
        g.dispose();
        return img;
    }

    static void write(BufferedImage img, File f) throws IOException {
        if (!ImageIO.write(img, "png", f)) {
            throw new IOException("no PNG writer");
        }
    }
}
