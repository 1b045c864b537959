package dev.wgdesk.app.ui.view;

import javafx.scene.Node;
import javafx.scene.shape.SVGPath;

/**
 * The app's icons, as SVG paths on a 24x24 grid drawn in the current text colour (CSS class
 * {@code icon} plus {@code icon-<name>}), so they follow the theme and need no image files.
 */
public enum Icons {
    ADD("M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z"),
    IMPORT("M12 3v10.17l3.59-3.58L17 11l-5 5-5-5 1.41-1.41L11 13.17V3h2zM5 19h14v2H5z"),
    EXPORT("M11 21V10.83l-3.59 3.58L6 13l6-6 6 6-1.41 1.41L13 10.83V21h-2zM5 3h14v2H5z"),
    DELETE("M9 3h6l1 1h4v2H4V4h4l1-1zm-3 5h12l-1 13H7L6 8zm4 2v9h1.5v-9H10zm3.5 0v9H15v-9h-1.5z"),
    EDIT("M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04a1 1 0 000-1.41l-2.34-2.34a1 1 0 00-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z"),
    SHIELD("M12 2l8 3v6c0 5.25-3.4 9.74-8 11-4.6-1.26-8-5.75-8-11V5l8-3z"),
    COPY("M16 1H4a2 2 0 00-2 2v14h2V3h12V1zm3 4H8a2 2 0 00-2 2v14a2 2 0 002 2h11a2 2 0 002-2V7a2 2 0 00-2-2zm0 16H8V7h11v14z"),
    SAVE("M17 3H5a2 2 0 00-2 2v14a2 2 0 002 2h14a2 2 0 002-2V7l-4-4zm-5 16a3 3 0 110-6 3 3 0 010 6zm3-10H5V5h10v4z"),
    KEY("M12.65 10A6 6 0 107 16a6 6 0 005.65-4H17v4h4v-4h2v-2H12.65zM7 14a2 2 0 110-4 2 2 0 010 4z"),
    WARNING("M1 21h22L12 2 1 21zm12-3h-2v-2h2v2zm0-4h-2v-4h2v4z"),
    ERROR("M12 2a10 10 0 100 20 10 10 0 000-20zm1 15h-2v-2h2v2zm0-4h-2V7h2v6z"),
    INFO("M12 2a10 10 0 100 20 10 10 0 000-20zm1 15h-2v-6h2v6zm0-8h-2V7h2v2z"),
    CLOSE("M19 6.41L17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"),
    POWER("M13 3h-2v10h2V3zm4.83 2.17l-1.42 1.42A6.92 6.92 0 0119 12a7 7 0 11-14 0c0-2.17.99-4.1 2.58-5.42L6.17 5.17A8.93 8.93 0 003 12a9 9 0 0018 0c0-2.74-1.23-5.18-3.17-6.83z"),
    PLUG("M16 7V3h-2v4h-4V3H8v4h-.01C6.9 7 6 7.9 6 8.99v5.49L9.5 18v3h5v-3l3.5-3.51V9c0-1.1-.9-2-2-2z"),
    FOLLOW("M12 4v12.17l-5.59-5.58L5 12l7 7 7-7-1.41-1.41L13 16.17V4h-1z"),
    MORE("M12 8a2 2 0 100-4 2 2 0 000 4zm0 2a2 2 0 100 4 2 2 0 000-4zm0 6a2 2 0 100 4 2 2 0 000-4z"),
    DOCUMENT("M14 2H6a2 2 0 00-2 2v16a2 2 0 002 2h12a2 2 0 002-2V8l-6-6zm4 18H6V4h7v5h5v11z");

    private final String path;

    Icons(String path) {
        this.path = path;
    }

    /** The SVG path data. */
    public String path() {
        return path;
    }

    /** A new node showing this icon at {@code size} pixels. */
    public Node node(double size) {
        SVGPath p = new SVGPath();
        p.setContent(path);
        double scale = size / 24.0;
        p.setScaleX(scale);
        p.setScaleY(scale);
        p.getStyleClass().addAll("icon", "icon-" + name().toLowerCase(java.util.Locale.ROOT));
        javafx.scene.Group g = new javafx.scene.Group(p);
        javafx.scene.layout.StackPane s = new javafx.scene.layout.StackPane(g);
        s.setMinSize(size, size);
        s.setPrefSize(size, size);
        s.setMaxSize(size, size);
        s.getStyleClass().add("icon-box");
        return s;
    }
}
