package dev.wgdesk.app.helper;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Child process for {@link StoreDurabilityTest}: performs one kind of store write in an endless
 * loop until it is killed. Prints {@code ready} once the first write is done.
 *
 * <p>Usage: {@code StoreTorture MODE STATE_DIR}, where the test has put the texts to write in
 * {@code STATE_DIR/../a.txt} and {@code b.txt}.
 */
public final class StoreTorture {
    private StoreTorture() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path stateDir = Path.of(args[1]);
        String a = Files.readString(stateDir.resolveSibling("a.txt"));
        String b = Files.readString(stateDir.resolveSibling("b.txt"));
        ConfigStore store = ConfigStore.open(stateDir);
        StateStore state = StateStore.open(stateDir);
        RuntimeJournal journal = RuntimeJournal.open(stateDir);
        boolean announced = false;
        int created = store.list().size(); // earlier rounds' files: create after them
        for (long i = 0; ; i++) {
            switch (mode) {
                case "save" -> store.save("t", i % 2 == 0 ? a : b);
                case "create" -> store.create("c" + (created + i), a);
                case "rename" -> {
                    if (store.exists("ra")) {
                        store.rename("ra", "rb");
                    } else {
                        store.rename("rb", "ra");
                    }
                }
                case "delete" -> {
                    if (store.exists("d")) {
                        store.delete("d");
                    } else {
                        store.create("d", a);
                    }
                }
                case "state" -> {
                    state.setActive("x" + (i % 3), i % 2 == 0);
                    state.setAutostart("y", i % 2 == 1);
                }
                case "journal" -> journal.write("j", i % 2 == 0 ? StoreDurabilityTest.UNDO_A : StoreDurabilityTest.UNDO_B);
                default -> throw new IllegalArgumentException(mode);
            }
            if (!announced) {
                System.out.println("ready");
                System.out.flush();
                announced = true;
            }
        }
    }
}
