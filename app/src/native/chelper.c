/*
 * wgdesk native-image experiment: the C helpers that SubstrateVM 25.0.2 declares with
 * @CLibrary("libchelper") and @CLibrary("jvm"), written from those Java declarations (Maven Central
 * svm-25.0.2-sources.jar) because GraalVM's own prebuilt clibraries are not on a reachable registry.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "amd64cpufeatures.h"
#include "svm_locale.h"

/* ---- CPU features (AMD64LibCHelper) ---- */
static uint64_t xgetbv0(void) { uint32_t a, d; __asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0)); return ((uint64_t) d << 32) | a; }

void determineCPUFeatures(CPUFeatures *f) {
  unsigned a, b, c, d, maxl, maxe;
  memset(f, 0, sizeof(*f));
  maxl = __get_cpuid_max(0, 0);
  maxe = __get_cpuid_max(0x80000000, 0);
  if (maxl < 1) return;
  __cpuid(1, a, b, c, d);
  f->fCX8 = (d >> 8) & 1; f->fCMOV = (d >> 15) & 1; f->fFXSR = (d >> 24) & 1; f->fHT = (d >> 28) & 1;
  f->fMMX = (d >> 23) & 1; f->fSSE = (d >> 25) & 1; f->fSSE2 = (d >> 26) & 1; f->fTSC = (d >> 4) & 1;
  f->fFLUSH = (d >> 19) & 1;
  f->fSSE3 = c & 1; f->fCLMUL = (c >> 1) & 1; f->fSSSE3 = (c >> 9) & 1; f->fFMA = (c >> 12) & 1;
  f->fSSE4_1 = (c >> 19) & 1; f->fSSE4_2 = (c >> 20) & 1; f->fPOPCNT = (c >> 23) & 1; f->fAES = (c >> 25) & 1;
  f->fF16C = (c >> 29) & 1; f->fHV = (c >> 31) & 1;
  int osxsave = (c >> 27) & 1;
  uint64_t xcr0 = osxsave ? xgetbv0() : 0;
  int avxos = osxsave && (xcr0 & 6) == 6;
  int avx512os = avxos && (xcr0 & 0xe0) == 0xe0;
  f->fAVX = avxos && ((c >> 28) & 1);
  if (!f->fAVX) { f->fFMA = 0; f->fF16C = 0; }
  if (maxl >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    f->fBMI1 = (b >> 3) & 1; f->fAVX2 = f->fAVX && ((b >> 5) & 1); f->fBMI2 = (b >> 8) & 1; f->fERMS = (b >> 9) & 1;
    f->fRTM = (b >> 11) & 1; f->fADX = (b >> 19) & 1; f->fSHA = (b >> 29) & 1;
    f->fFLUSHOPT = (b >> 23) & 1; f->fCLWB = (b >> 24) & 1;
    f->fGFNI = (c >> 8) & 1; f->fRDPID = (c >> 22) & 1; f->fPKU = (c >> 3) & 1; f->fOSPKE = (c >> 4) & 1;
    f->fFSRM = (d >> 4) & 1; f->fSERIALIZE = (d >> 14) & 1;
    if (avx512os && ((b >> 16) & 1)) {
      f->fAVX512F = 1; f->fAVX512DQ = (b >> 17) & 1; f->fAVX512_IFMA = (b >> 21) & 1; f->fAVX512CD = (b >> 28) & 1;
      f->fAVX512BW = (b >> 30) & 1; f->fAVX512VL = (b >> 31) & 1;
      f->fAVX512_VBMI = (c >> 1) & 1; f->fAVX512_VBMI2 = (c >> 6) & 1; f->fAVX512_VNNI = (c >> 11) & 1;
      f->fAVX512_BITALG = (c >> 12) & 1; f->fAVX512_VPOPCNTDQ = (c >> 14) & 1;
      f->fAVX512_VPCLMULQDQ = (c >> 10) & 1; f->fAVX512_VAES = (c >> 9) & 1; f->fAVX512_FP16 = (d >> 23) & 1;
    }
  }
  if (maxe >= 0x80000001) {
    __cpuid(0x80000001, a, b, c, d);
    f->fLZCNT = (c >> 5) & 1; f->fSSE4A = (c >> 6) & 1; f->fAMD_3DNOW_PREFETCH = (c >> 8) & 1; f->fRDTSCP = (d >> 27) & 1;
  }
  if (maxe >= 0x80000007) {
    __cpuid(0x80000007, a, b, c, d);
    f->fTSCINV_BIT = (d >> 8) & 1; f->fTSCINV = f->fTSCINV_BIT;
  }
  f->fVZEROUPPER = f->fAVX;
}

#define FEATURE_WORDS ((sizeof(CPUFeatures) + 7) / 8)
int checkCPUFeatures(const uint8_t *buildtimeMask) {
  uint64_t runtime[FEATURE_WORDS];
  memset(runtime, 0, sizeof(runtime));
  determineCPUFeatures((CPUFeatures *) runtime);
  for (size_t i = 0; i < FEATURE_WORDS; i++) {
    uint64_t m; memcpy(&m, buildtimeMask + 8 * i, 8);
    if ((runtime[i] | m) != ~(uint64_t) 0) return 1;
  }
  return 0;
}
int checkCPUFeaturesOrExit(const uint8_t *buildtimeMask, const char *message) {
  int r = checkCPUFeatures(buildtimeMask);
  if (r != 0) { fputs(message, stderr); exit(1); }
  return r;
}

/* ---- LibCHelper / LinuxLibCHelper / misc ---- */
extern char **environ;
char **getEnviron(void) { return environ; }
extern char *findJavaTZ_md(const char *java_home_dir);
char *SVM_FindJavaTZmd(const char *tzMappings, int length) { (void) tzMappings; (void) length; return findJavaTZ_md(NULL); }
int getThreadId(void) { return (int) syscall(SYS_gettid); }
long getThreadUserTimeSlow(int tid) {
  char path[64], buf[2048]; snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
  FILE *fp = fopen(path, "r"); if (!fp) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, fp); fclose(fp); buf[n] = 0;
  char *p = strrchr(buf, ')'); if (!p) return -1;
  unsigned long utime = 0; int field = 2;
  for (p++; *p && field < 14; p++) if (*p == ' ') field++;
  if (field != 14) return -1;
  utime = strtoul(p, NULL, 10);
  return (long) (utime * (1000000000L / sysconf(_SC_CLK_TCK)));
}
void *mremapP(void *old, size_t oldSize, size_t newSize, int flags, void *newAddr) { return mremap(old, oldSize, newSize, flags, newAddr); }
int openSII(const char *path, int flags, int mode) { return open(path, flags, mode); }
int openatISII(int dirfd, const char *path, int flags, int mode) { return openat(dirfd, path, flags, mode); }
int fprintfSD(FILE *f, const char *fmt, const char *s, int d) { return fprintf(f, fmt, s, d); }
void codeSynchronization_clearCache(long start, long size) { __builtin___clear_cache((char *) start, (char *) (start + size)); }

/* ---- sun.misc.Signal support (CSunMiscSignal) ---- */
#define MAX_SIG 65
static volatile int sig_counts[MAX_SIG];
static sem_t sig_sem;
static volatile int sig_open;
int cSunMiscSignal_open(void) {
  if (__sync_lock_test_and_set(&sig_open, 1)) return 1;
  memset((void *) sig_counts, 0, sizeof sig_counts);
  return sem_init(&sig_sem, 0, 0) == 0 ? 0 : -1;
}
int cSunMiscSignal_close(void) { if (!sig_open) return 0; sig_open = 0; return sem_destroy(&sig_sem); }
int cSunMiscSignal_awaitSemaphore(void) { while (sem_wait(&sig_sem) != 0) { if (errno != EINTR) return -1; } return 0; }
int cSunMiscSignal_signalSemaphore(void) { return sem_post(&sig_sem); }
int cSunMiscSignal_signalRangeCheck(int sig) { return sig > 0 && sig < MAX_SIG; }
int cSunMiscSignal_checkPendingSignal(void) {
  for (int s = 1; s < MAX_SIG; s++) {
    int c = sig_counts[s];
    while (c > 0) { if (__sync_bool_compare_and_swap(&sig_counts[s], c, c - 1)) return s; c = sig_counts[s]; }
  }
  return -1;
}
static void sig_handler(int sig) {
  int saved = errno;
  if (sig > 0 && sig < MAX_SIG) { __sync_fetch_and_add(&sig_counts[sig], 1); sem_post(&sig_sem); }
  errno = saved;
}
void *cSunMiscSignal_signalHandlerFunctionPointer(void) { return (void *) sig_handler; }

/* ---- attach API: not supported in this build ---- */
void svm_attach_startup(const char *p) { (void) p; }
void svm_attach_listener_cleanup(int s, const char *p) { (void) s; (void) p; }
int svm_attach_check_socket_file(const char *p) { (void) p; return 0; }
int svm_attach_is_init_trigger(const char *p) { (void) p; return 0; }
int svm_attach_create_listener(const char *p) { (void) p; return -1; }
int svm_attach_wait_for_request(int s) { (void) s; return -1; }
void svm_attach_shutdown_socket(int s) { (void) s; }

/* ---- default locale from the environment (LC_ALL, LC_x, LANG), like "en_US.UTF-8@variant" ---- */
static svm_locale_props_t locale_props;
static void parse_locale(const char *cat_env, char **lang, char **country, char **variant) {
  const char *v = getenv("LC_ALL");
  if (!v || !*v) v = getenv(cat_env);
  if (!v || !*v) v = getenv("LANG");
  *lang = NULL; *country = NULL; *variant = NULL;
  if (!v || !*v || !strcmp(v, "C") || !strcmp(v, "POSIX") || !strncmp(v, "C.", 2)) { *lang = strdup("en"); return; }
  char *s = strdup(v); if (!s) return;
  char *at = strchr(s, '@'); if (at) { *at = 0; *variant = strdup(at + 1); }
  char *dot = strchr(s, '.'); if (dot) *dot = 0;
  char *us = strchr(s, '_'); if (us) { *us = 0; *country = strdup(us + 1); }
  *lang = strdup(s);
  free(s);
}
int svm_initialize_locale(void) {
  parse_locale("LC_MESSAGES", &locale_props.display_language, &locale_props.display_country, &locale_props.display_variant);
  parse_locale("LC_CTYPE", &locale_props.format_language, &locale_props.format_country, &locale_props.format_variant);
  if (!locale_props.display_language || !locale_props.format_language) return SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY;
  return SVM_LOCALE_INITIALIZATION_SUCCEEDED;
}
svm_locale_props_t *svm_get_locale(void) { return &locale_props; }

/* ---- glibc 2.38 C23 entry points that the Debian 13 built JDK static libraries reference ---- */
int __isoc23_fscanf(FILE *f, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vfscanf(f, fmt, ap); va_end(ap); return r; }
int __isoc23_sscanf(const char *s, const char *fmt, ...) { va_list ap; va_start(ap, fmt); int r = vsscanf(s, fmt, ap); va_end(ap); return r; }
int __isoc23_vsscanf(const char *s, const char *fmt, va_list ap) { return vsscanf(s, fmt, ap); }
long __isoc23_strtol(const char *s, char **e, int b) { return strtol(s, e, b); }
unsigned long __isoc23_strtoul(const char *s, char **e, int b) { return strtoul(s, e, b); }
