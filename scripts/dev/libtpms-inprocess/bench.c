// SPDX-License-Identifier: Apache-2.0
// In-process baseline: the same four commands as `vtpm bench --target engine=in-process`, sent straight
// to libtpms (the TPM inside swtpm) with no transport, to separate engine cost from socket cost.
// libtpms ships no development headers on Debian, so the three entry points are declared here.
// Build and run with scripts/dev/libtpms-inprocess/run.sh.
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
typedef uint32_t TPM_RESULT;
extern TPM_RESULT TPMLIB_ChooseTPMVersion(int);
extern TPM_RESULT TPMLIB_MainInit(void);
extern TPM_RESULT TPMLIB_Process(unsigned char **respbuffer, uint32_t *resp_size, uint32_t *respbufsize, unsigned char *command, uint32_t command_size);
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(double*)a, y = *(double*)b; return x < y ? -1 : x > y; }
static void run(const char *name, unsigned char *cmd, uint32_t len) {
    unsigned char *resp = NULL; uint32_t rsize = 0, rbufsize = 0;
    enum { N = 200000 };
    static double samples[N];
    for (int i = 0; i < 2000; i++) TPMLIB_Process(&resp, &rsize, &rbufsize, cmd, len);
    for (int i = 0; i < N; i++) { double t0 = now(); TPMLIB_Process(&resp, &rsize, &rbufsize, cmd, len); samples[i] = now() - t0; }
    qsort(samples, N, sizeof(double), cmp);
    printf("%-24s median %.2f us  p99 %.2f us  rc=%02x%02x%02x%02x\n", name, samples[N/2]/1000, samples[N*99/100]/1000, resp[6], resp[7], resp[8], resp[9]);
}
int main(void) {
    const char *dir = getenv("TPM_PATH");
    if (!dir) { fprintf(stderr, "set TPM_PATH to an empty directory\n"); return 1; }
    TPMLIB_ChooseTPMVersion(1);
    if (TPMLIB_MainInit()) { printf("init failed\n"); return 1; }
    unsigned char startup[] = {0x80,0x01,0,0,0,0x0c,0,0,0x01,0x44,0,0};
    unsigned char *resp = NULL; uint32_t rsize = 0, rbufsize = 0;
    TPMLIB_Process(&resp, &rsize, &rbufsize, startup, sizeof startup);
    unsigned char getrandom[] = {0x80,0x01,0,0,0,0x0c,0,0,0x01,0x7b,0,0x20};
    run("GetRandom(32)", getrandom, sizeof getrandom);
    unsigned char extend[10+4+4+9+4+2+32];
    unsigned char hdr[] = {0x80,0x02,0,0,0,sizeof extend,0,0,0x01,0x82, 0,0,0,16, 0,0,0,9, 0x40,0,0,9, 0,0, 1, 0,0, 0,0,0,1, 0,0x0b};
    memcpy(extend, hdr, sizeof hdr); memset(extend + sizeof hdr, 0x5a, 32);
    run("PCR_Extend(SHA-256)", extend, sizeof extend);
    unsigned char pcrread[] = {0x80,0x01,0,0,0,0x14,0,0,0x01,0x7e, 0,0,0,1, 0,0x0b, 3, 0,0,1};
    run("PCR_Read(SHA-256, 1 PCR)", pcrread, sizeof pcrread);
    static unsigned char hash[10+2+1024+2+4];
    unsigned char hh[] = {0x80,0x01,0,0,(sizeof hash)>>8,(sizeof hash)&0xff,0,0,0x01,0x7d, 0x04,0x00};
    memcpy(hash, hh, sizeof hh); memset(hash + sizeof hh, 0xa5, 1024);
    unsigned char tail[] = {0,0x0b, 0x40,0,0,7}; memcpy(hash + sizeof hh + 1024, tail, sizeof tail);
    run("Hash(1 KiB, SHA-256)", hash, sizeof hash);
    return 0;
}
