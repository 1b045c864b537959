package dev.wgdesk.app.ui.view;

import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.Window;

/** The app's modal questions and reports, styled with the app's theme. */
final class Dialogs {
    private Dialogs() {}

    /** Asks a yes/no question; true when the user chose {@code yes}. */
    static boolean confirm(Window owner, String title, String text, ButtonType yes, ButtonType no) {
        Alert a = new Alert(Alert.AlertType.CONFIRMATION, text, yes, no);
        prepare(a, owner, title);
        return a.showAndWait().filter(yes::equals).isPresent();
    }

    /** Shows information (e.g. an import report). */
    static void inform(Window owner, String title, String header, String text) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, text, ButtonType.OK);
        prepare(a, owner, title);
        a.setHeaderText(header);
        a.show();
    }

    private static void prepare(Alert a, Window owner, String title) {
        a.setTitle(title);
        a.setHeaderText(title);
        if (owner != null) {
            a.initOwner(owner);
            if (owner.getScene() != null) {
                a.getDialogPane().getStylesheets().setAll(owner.getScene().getStylesheets());
                a.getDialogPane().getStyleClass().addAll(owner.getScene().getRoot().getStyleClass().filtered(c -> c.equals("dark")));
            }
        }
        a.getDialogPane().getStyleClass().add("wg-dialog");
        a.getDialogPane().setMinWidth(440);
    }
}
