package dev.wgdesk.platform.windows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads a PE file's machine type and exported names (enough to check a DLL without Windows). */
record PeExports(int machine, List<String> names) {
    static final int IMAGE_FILE_MACHINE_AMD64 = 0x8664;
    static final int IMAGE_FILE_MACHINE_ARM64 = 0xAA64;

    static PeExports parse(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getShort(0) != 0x5A4D) {
            throw new IllegalArgumentException("no MZ header");
        }
        int pe = b.getInt(0x3C);
        if (b.getInt(pe) != 0x00004550) {
            throw new IllegalArgumentException("no PE signature");
        }
        int machine = b.getShort(pe + 4) & 0xffff;
        int sections = b.getShort(pe + 6) & 0xffff;
        int optSize = b.getShort(pe + 20) & 0xffff;
        int opt = pe + 24;
        if ((b.getShort(opt) & 0xffff) != 0x20b) {
            throw new IllegalArgumentException("not PE32+");
        }
        int exportRva = b.getInt(opt + 112);
        int table = opt + optSize;
        int[][] secs = new int[sections][];
        for (int i = 0; i < sections; i++) {
            int s = table + 40 * i;
            secs[i] = new int[] {b.getInt(s + 12), Math.max(b.getInt(s + 8), b.getInt(s + 16)), b.getInt(s + 20)};
        }
        int dir = offset(secs, exportRva);
        int count = b.getInt(dir + 24);
        int namesRva = b.getInt(dir + 32);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = offset(secs, b.getInt(offset(secs, namesRva) + 4 * i));
            int end = at;
            while (file[end] != 0) {
                end++;
            }
            names.add(new String(file, at, end - at, java.nio.charset.StandardCharsets.US_ASCII));
        }
        return new PeExports(machine, names);
    }

    private static int offset(int[][] secs, int rva) {
        for (int[] s : secs) {
            if (rva >= s[0] && rva < s[0] + s[1]) {
                return rva - s[0] + s[2];
            }
        }
        throw new IllegalArgumentException("RVA 0x" + Integer.toHexString(rva) + " is in no section");
    }
}
