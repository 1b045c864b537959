import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** Shows a JavaFX window for a moment: proves the bundled runtime's JavaFX runs (install-test.sh). */
public class FxSmoke extends Application {
    @Override
    public void start(Stage stage) {
        stage.setScene(new Scene(new Label("wgdesk JavaFX check"), 300, 80));
        stage.show();
        System.out.println("FxSmoke: window shown=" + stage.isShowing() + " javafx="
                + System.getProperty("javafx.runtime.version") + " java.home=" + System.getProperty("java.home"));
        Thread exit = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Platform.exit();
        });
        exit.setDaemon(true);
        exit.start();
    }

    public static void main(String[] args) {
        launch(args);
    }
}
