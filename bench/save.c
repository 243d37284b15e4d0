/* bench-save: where one synced save's time goes (issue 19).
 *
 *     bench-save DB [N]
 *
 * DB is a shegong database (bench-all --import's, or one `shegong
 * import` made); N new residents (40 unless told) are saved into it,
 * each as bench-all does (store_save, the audit hook attached, its own
 * synced commit).  For each save: the wall time, the CPU time of this
 * process (getrusage, user and system: encoding, index keys, the audit
 * entry's SHA-256, LMDB's work and the copying into the page cache),
 * the rest (wall less CPU: waiting for the disk's flushes), and the
 * write system calls and bytes (/proc/self/io, syscw and wchar).  The
 * medians are printed as "key value" lines.  The saves stay in DB. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "paths.h"
#include "record.h"
#include "store.h"

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* this process's CPU time so far, user and kernel (exact, where
 * getrusage's would be counted in scheduler ticks) */
static double
cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* this process's write system calls and bytes so far */
static void
io_counts(double *syscw, double *wchar)
{
	*syscw = *wchar = 0;
	FILE *f = fopen("/proc/self/io", "re");
	if (!f)
		return;
	char line[128];
	unsigned long long v;
	while (fgets(line, sizeof line, f)) {
		if (sscanf(line, "syscw: %llu", &v) == 1)
			*syscw = (double)v;
		else if (sscanf(line, "wchar: %llu", &v) == 1)
			*wchar = (double)v;
	}
	fclose(f);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double
median(double *a, int n)
{
	qsort(a, (size_t)n, sizeof *a, cmp_double);
	return a[n / 2];
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench-save DB [N]\n");
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 40;
	if (n <= 0)
		n = 40;
	store *st;
	int rc = store_open(&st, argv[1], 0);
	if (rc) {
		fprintf(stderr, "bench-save: %s: %s\n", argv[1], store_strerror(rc));
		return 1;
	}
	audit_attach(st);
	char *login = paths_login();
	store_set_user(st, login);
	free(login);
	double *wall = calloc((size_t)n, sizeof *wall), *cpu = calloc((size_t)n, sizeof *cpu),
	       *wait = calloc((size_t)n, sizeof *wait), *calls = calloc((size_t)n, sizeof *calls),
	       *bytes = calloc((size_t)n, sizeof *bytes);
	if (!wall || !cpu || !wait || !calls || !bytes) {
		fprintf(stderr, "bench-save: out of memory\n");
		return 1;
	}
	for (int i = 0; i < n; i++) {
		char id[20];
		snprintf(id, sizeof id, "51042119990101%03d", i % 1000);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", "欧阳建国");
		record_set(r, "idnum", id);
		record_set(r, "village", "unit-0-0");
		record_set(r, "status", "active");
		double c0, b0, c1, b1;
		io_counts(&c0, &b0);
		double a = now_us(), c = cpu_us();
		rc = store_save(st, r);
		cpu[i] = cpu_us() - c;
		wall[i] = now_us() - a;
		io_counts(&c1, &b1);
		record_free(r);
		if (rc) {
			fprintf(stderr, "bench-save: save %d: %s\n", i + 1, store_strerror(rc));
			return 1;
		}
		wait[i] = wall[i] > cpu[i] ? wall[i] - cpu[i] : 0;
		calls[i] = c1 - c0;
		bytes[i] = b1 - b0;
	}
	store_close(st);
	printf("saves %d\nsave_ms %.3f\ncpu_ms %.3f\nwait_ms %.3f\nwrite_calls %.0f\nwrite_bytes %.0f\n", n,
	       median(wall, n) / 1e3, median(cpu, n) / 1e3, median(wait, n) / 1e3, median(calls, n),
	       median(bytes, n));
	free(wall);
	free(cpu);
	free(wait);
	free(calls);
	free(bytes);
	return 0;
}
