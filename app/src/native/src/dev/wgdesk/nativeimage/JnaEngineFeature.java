package dev.wgdesk.nativeimage;

import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.graalvm.nativeimage.hosted.Feature;
import org.graalvm.nativeimage.hosted.RuntimeJNIAccess;
import org.graalvm.nativeimage.hosted.RuntimeReflection;
import org.graalvm.nativeimage.hosted.RuntimeResourceAccess;

/**
 * Build-time registrations for a native image of wgdesk-engine (app/src/native/build-native.sh):
 * JNA's dispatch library reaches into JNA's own classes, the boxed primitives, strings, buffers and
 * reflection objects through JNI, and {@code Native.register} binds the {@code native} methods of
 * wgdesk's classes (LibC, ...) through reflection and JNI RegisterNatives. Everything those paths
 * may touch is registered whole (all declared fields, methods, constructors): broader than needed,
 * but with no tracing agent at hand it does not depend on guessing single members.
 */
public final class JnaEngineFeature implements Feature {
    private static final String[] JNI_CLASSES = {
        "com.sun.jna.Callback", "com.sun.jna.CallbackReference", "com.sun.jna.CallbackReference$AttachOptions",
        "com.sun.jna.FromNativeConverter", "com.sun.jna.ToNativeConverter", "com.sun.jna.IntegerType",
        "com.sun.jna.JNIEnv", "com.sun.jna.Native", "com.sun.jna.Native$ffi_callback", "com.sun.jna.NativeMapped",
        "com.sun.jna.Pointer", "com.sun.jna.PointerType", "com.sun.jna.Structure", "com.sun.jna.Structure$ByValue",
        "com.sun.jna.Structure$FFIType", "com.sun.jna.Structure$FFIType$FFITypes", "com.sun.jna.WString",
        "com.sun.jna.LastErrorException", "com.sun.jna.Memory", "com.sun.jna.Function", "com.sun.jna.NativeLong",
        "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short", "java.lang.Integer",
        "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.lang.Void", "java.lang.Class",
        "java.lang.Object", "java.lang.String", "java.lang.System", "java.lang.reflect.Method",
        "java.nio.Buffer", "java.nio.ByteBuffer", "java.nio.CharBuffer", "java.nio.ShortBuffer", "java.nio.IntBuffer",
        "java.nio.LongBuffer", "java.nio.FloatBuffer", "java.nio.DoubleBuffer",
        "java.lang.Error", "java.lang.UnsatisfiedLinkError", "java.lang.IllegalArgumentException",
        "java.lang.IllegalStateException", "java.lang.NullPointerException", "java.lang.OutOfMemoryError",
        "java.lang.UnsupportedOperationException", "java.lang.ArrayIndexOutOfBoundsException",
        "java.lang.RuntimeException", "java.lang.Throwable",
    };

    @Override
    public void beforeAnalysis(BeforeAnalysisAccess access) {
        for (String name : JNI_CLASSES) {
            Class<?> c = access.findClassByName(name);
            if (c == null) {
                throw new IllegalStateException("JnaEngineFeature: class not found: " + name);
            }
            registerWhole(c, name.startsWith("com.sun.jna.") || name.startsWith("java.lang.reflect"));
        }
        Class<?> nativeClass = access.findClassByName("com.sun.jna.Native");
        RuntimeResourceAccess.addResource(nativeClass.getModule(), "com/sun/jna/linux-x86-64/libjnidispatch.so");
        for (Path entry : access.getApplicationClassPath()) {
            String file = entry.getFileName().toString();
            if (file.startsWith("jna-") && file.endsWith(".jar")) {
                // JNA's own classes (com.sun.jna and com.sun.jna.internal, not the platform
                // packages): Structure, its FFIType and the integer types are built reflectively.
                for (String name : classNames(entry)) {
                    String pkg = name.substring(0, name.lastIndexOf('.'));
                    if (pkg.equals("com.sun.jna") || pkg.equals("com.sun.jna.internal")) {
                        Class<?> c = access.findClassByName(name);
                        if (c != null) {
                            registerWhole(c, true);
                        }
                    }
                }
            } else if (file.startsWith("wgdesk-") && file.endsWith(".jar")) {
                // wgdesk's classes with native methods, bound by Native.register (direct mapping).
                for (String name : classNames(entry)) {
                    Class<?> c = access.findClassByName(name);
                    if (c != null && hasNativeMethod(c)) {
                        registerWhole(c, true);
                    }
                }
            }
        }
    }

    private static boolean hasNativeMethod(Class<?> c) {
        try {
            for (Method m : c.getDeclaredMethods()) {
                if (Modifier.isNative(m.getModifiers())) {
                    return true;
                }
            }
        } catch (LinkageError e) {
            return false;
        }
        return false;
    }

    private static void registerWhole(Class<?> c, boolean reflection) {
        Field[] fields;
        Executable[] methods;
        Executable[] constructors;
        try {
            fields = c.getDeclaredFields();
            methods = c.getDeclaredMethods();
            constructors = c.getDeclaredConstructors();
        } catch (LinkageError e) { // a class that needs what is not on the class path
            return;
        }
        RuntimeJNIAccess.register(c);
        RuntimeJNIAccess.register(fields);
        RuntimeJNIAccess.register(methods);
        RuntimeJNIAccess.register(constructors);
        if (reflection) {
            RuntimeReflection.register(c);
            RuntimeReflection.register(fields);
            RuntimeReflection.register(methods);
            RuntimeReflection.register(constructors);
        }
    }

    private static List<String> classNames(Path jar) {
        List<String> names = new ArrayList<>();
        try (JarFile f = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements();) {
                String n = e.nextElement().getName();
                if (n.endsWith(".class") && !n.contains("module-info")) {
                    names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("JnaEngineFeature: cannot read " + jar + ": " + e, e);
        }
        return names;
    }
}
