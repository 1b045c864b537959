package dev.wgdesk.app.ui.vm;

import java.util.Comparator;

/**
 * "Natural" order for tunnel names, as a person sorts them: runs of digits compare by value
 * ({@code wg2} before {@code wg10}), letters compare without regard to case, and only when two
 * names are otherwise equal does case (then length of leading zeros) decide. A total order
 * consistent with {@link String#equals}.
 */
public final class NaturalOrder implements Comparator<String> {
    /** The one instance. */
    public static final NaturalOrder INSTANCE = new NaturalOrder();

    private NaturalOrder() {}

    @Override
    public int compare(String a, String b) {
        int i = 0;
        int j = 0;
        int tie = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int si = i;
                int sj = j;
                while (i < a.length() && a.charAt(i) == '0') {
                    i++;
                }
                while (j < b.length() && b.charAt(j) == '0') {
                    j++;
                }
                int zeros = (i - si) - (j - sj);
                int ei = i;
                int ej = j;
                while (ei < a.length() && isDigit(a.charAt(ei))) {
                    ei++;
                }
                while (ej < b.length() && isDigit(b.charAt(ej))) {
                    ej++;
                }
                int len = (ei - i) - (ej - j);
                if (len != 0) {
                    return len;
                }
                for (; i < ei; i++, j++) {
                    if (a.charAt(i) != b.charAt(j)) {
                        return a.charAt(i) - b.charAt(j);
                    }
                }
                if (tie == 0) {
                    tie = zeros; // fewer leading zeros first
                }
                continue;
            }
            char la = Character.toLowerCase(ca);
            char lb = Character.toLowerCase(cb);
            if (la != lb) {
                return la - lb;
            }
            if (tie == 0 && ca != cb) {
                tie = ca - cb;
            }
            i++;
            j++;
        }
        int rest = (a.length() - i) - (b.length() - j);
        if (rest != 0) {
            return rest;
        }
        return tie != 0 ? tie : a.compareTo(b);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
