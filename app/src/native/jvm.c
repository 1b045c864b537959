/* wgdesk native-image experiment: the JVM_* / jio_* entry points the JDK 25 static libraries call. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
void initialize(void) {}
int JVM_ActiveProcessorCount(void) {
  cpu_set_t s; if (sched_getaffinity(0, sizeof s, &s) == 0) { int n = CPU_COUNT(&s); if (n > 0) return n; }
  long n = sysconf(_SC_NPROCESSORS_ONLN); return n > 0 ? (int) n : 1;
}
void JVM_BeforeHalt(void) {}
void JVM_Halt(int code) { exit(code); }
void *JVM_FindLibraryEntry(void *handle, const char *name) { return dlsym(handle ? handle : RTLD_DEFAULT, name); }
long long JVM_NanoTime(void *env, void *cls) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return (long long) t.tv_sec * 1000000000LL + t.tv_nsec; }
char *JVM_NativePath(char *path) { return path; }
void *JVM_RawMonitorCreate(void) {
  pthread_mutex_t *m = malloc(sizeof *m); if (!m) return NULL;
  pthread_mutexattr_t a; pthread_mutexattr_init(&a); pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(m, &a); pthread_mutexattr_destroy(&a); return m;
}
void JVM_RawMonitorDestroy(void *m) { if (m) { pthread_mutex_destroy(m); free(m); } }
int JVM_RawMonitorEnter(void *m) { return pthread_mutex_lock(m); }
void JVM_RawMonitorExit(void *m) { pthread_mutex_unlock(m); }
int jio_vsnprintf(char *s, size_t n, const char *f, va_list ap) { int r = vsnprintf(s, n, f, ap); return (r >= 0 && (size_t) r < n) ? r : -1; }
int jio_snprintf(char *s, size_t n, const char *f, ...) { va_list ap; va_start(ap, f); int r = jio_vsnprintf(s, n, f, ap); va_end(ap); return r; }
int jio_vfprintf(FILE *fp, const char *f, va_list ap) { return vfprintf(fp, f, ap); }
int jio_fprintf(FILE *fp, const char *f, ...) { va_list ap; va_start(ap, f); int r = vfprintf(fp, f, ap); va_end(ap); return r; }

/* Entry points the static JDK libraries reference from code that SubstrateVM replaces in Java
   (System.arraycopy, identityHashCode, currentTimeMillis, properties, management): reaching one
   is a bug in this experimental build, so they stop the process loudly. */
static void unsupported(const char *name) { fprintf(stderr, "wgdesk native image: %s is not implemented in this build\n", name); abort(); }
void JVM_ArrayCopy(void *env, void *cls, void *src, int sp, void *dst, int dp, int len) { unsupported("JVM_ArrayCopy"); }
int JVM_IHashCode(void *env, void *obj) { unsupported("JVM_IHashCode"); return 0; }
void *JVM_GetProperties(void *env) { unsupported("JVM_GetProperties"); return NULL; }
void *JVM_GetManagement(int version) { return NULL; /* management_ext's JNI_OnLoad then reports the agent as unavailable */ }
long long JVM_CurrentTimeMillis(void *env, void *cls) { struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return (long long) t.tv_sec * 1000 + t.tv_nsec / 1000000; }
/* java.io.Console.ttyStatus() of JDK 25.0.3 (the class library the image is built from); the
   25.0.2 static libjava has the older istty() instead. Bits: stdin 1, stdout 2, stderr 4. */
int Java_java_io_Console_ttyStatus(void *env, void *cls) {
  return (isatty(0) ? 1 : 0) | (isatty(1) ? 2 : 0) | (isatty(2) ? 4 : 0);
}
