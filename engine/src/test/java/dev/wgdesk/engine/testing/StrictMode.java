package dev.wgdesk.engine.testing;

import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * Strict mode: no quiet green. Registered for every test of engine, platform-linux and app (a service in
 * engine's test-jar, loaded because the surefire/failsafe configuration sets
 * {@code junit.jupiter.extensions.autodetection.enabled=true}), it watches every test method, lifecycle
 * method, constructor and dynamic test. When one aborts ({@code Assumptions.assumeTrue/abort},
 * {@link Requirements}), it prints the reason (surefire hides a class-level skip's reason), and under
 * strict mode ({@code WGDESK_TEST_STRICT=1}) it turns the abort into a failure that says why, unless
 * {@code .ci/allowed-skips} lists the test. Outside strict mode skips stay skips. Skips that never run
 * code ({@code @Disabled}, conditions) are caught after the run by {@code .ci/check-skips}.
 */
public final class StrictMode implements InvocationInterceptor {
    /** The environment variable that turns strict mode on ({@code 1} or {@code true}). */
    public static final String VARIABLE = "WGDESK_TEST_STRICT";

    private static volatile AllowedSkips allowed;

    /** True if {@code WGDESK_TEST_STRICT} is 1 or true, or {@code -Dwgdesk.test.strict=true}. */
    public static boolean enabled() {
        String env = System.getenv(VARIABLE);
        return "1".equals(env) || "true".equalsIgnoreCase(env) || Boolean.getBoolean("wgdesk.test.strict");
    }

    private static AllowedSkips allowed() {
        AllowedSkips a = allowed;
        if (a == null) {
            allowed = a = AllowedSkips.load();
        }
        return a;
    }

    /**
     * What becomes of an abort of {@code className}/{@code methodName} (null: class level): the abort itself
     * when not strict or when allowed, else a failure naming the test and the reason.
     */
    static Throwable judge(boolean strict, AllowedSkips allowed, String className, String methodName,
            TestAbortedException abort) {
        if (!strict || allowed.find(className, methodName).isPresent()) {
            return abort;
        }
        String test = methodName == null ? className : className + "#" + methodName;
        String reason = abort.getMessage() == null ? "(no reason given)" : abort.getMessage();
        var failure = new AssertionFailedError("strict mode (" + VARIABLE + "=1): " + test
                + " could not run its real scenario and may not skip: " + reason + " (provide what it needs, or"
                + " list it with a reason in " + (allowed.source() == null ? ".ci/allowed-skips (not found)"
                : allowed.source()) + ")", abort);
        return failure;
    }

    private static <T> T watch(Invocation<T> invocation, ExtensionContext context) throws Throwable {
        try {
            return invocation.proceed();
        } catch (TestAbortedException abort) {
            String className = context.getTestClass().map(Class::getName).orElse("?");
            String methodName = context.getTestMethod().map(Method::getName).orElse(null);
            Throwable outcome = judge(enabled(), allowed(), className, methodName, abort);
            System.err.println((outcome == abort ? "SKIPPED " : "FAILED (strict) ") + className
                    + (methodName == null ? "" : "#" + methodName) + ": " + abort.getMessage());
            throw outcome;
        }
    }

    @Override
    public <T> T interceptTestClassConstructor(Invocation<T> invocation,
            ReflectiveInvocationContext<java.lang.reflect.Constructor<T>> ic, ExtensionContext context) throws Throwable {
        return watch(invocation, context);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        return watch(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> ic,
            ExtensionContext context) throws Throwable {
        watch(invocation, context);
    }
}
