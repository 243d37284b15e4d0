/* bench/load.c: the township server's load (issue 19, item 3).  One LMDB
 * database; CLIENTS processes at once, as the workers of a township on
 * its server, each running ROUNDS real commands and full-screen sessions
 * one after the other; each command's median and p99 under that load
 * beside the same command run alone, measured in the same run before the
 * load; the errors; `shegong check` on the database afterwards.
 *
 *   bench-load [OUT.md]
 *
 * BENCH_N residents (default 20,000), BENCH_LOAD_N clients (default 30),
 * BENCH_LOAD_ROUNDS rounds each (default 40), from the environment (make
 * bench-load passes them); the table is printed and written to OUT.md
 * (make bench-load: bench/RESULTS-load.md), whose hand-written notes
 * after the NOTES line are kept.  Needs bench-gen beside it and
 * src/shegong above it; forms from $SHEGONG_FORMSDIR, catalogues from
 * $SHEGONG_LOCALEDIR.  Exits 1 when any command or session failed or
 * the check did not say the database is sound. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tests/vt.h"

extern char **environ;

#define NOTES "<!-- notes: written by hand, kept by bench-load -->"
/* a screen that does not show what is waited for within this is an error */
#define WAIT_MS 120000
#define ALONE 20
#define SEARCH "王"

/* what is timed: the four commands, the session, and three steps of it */
enum kind { K_FIND, K_TODAY, K_SHOW, K_SAVE, K_SCREEN, K_S_START, K_S_SEARCH, K_S_OPEN, KINDS };
/* the kinds a client runs in turn (the steps are timed inside K_SCREEN) */
#define MIX 5
static const char *const kind_name[KINDS] = {
	"`shegong find resident 王`",
	"`shegong today`",
	"`shegong show ID` (a resident)",
	"`shegong import need FILE` (one need saved)",
	"screen session (start, list, search, record, F10, quit; UTF-8 and GB18030 in turn)",
	"  screen: start to the home screen",
	"  screen: 王 typed to the list found",
	"  screen: Enter to the record shown",
};

static char bin[PATH_MAX], gen[PATH_MAX], dir[64], db[128];
static char *const vt_env[] = {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL};
static char *const vt_env_gb[] = {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL};
static char **ids;       /* residents' ids, for show */
static size_t nids;
static char **needrows;  /* the needs file's rows (GB18030, without the header) */
static size_t nneedrows;
static char *needhead;
static char first_name[128];   /* the first resident `find resident 王` lists */

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}
static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
/* the p-th percentile (nearest rank) of a sorted array */
static double
pct(const double *a, int n, int p)
{
	if (n == 0)
		return 0;
	int i = (n * p + 99) / 100 - 1;
	return a[i < 0 ? 0 : i < n ? i : n - 1];
}

/* Run argv (argv[0] a path) with stdout to out (or /dev/null) and stderr
 * appended to err; its wall time in µs from before posix_spawn to after
 * waitpid, *status its exit status (-1 when it could not run). */
static double
run(char *const argv[], const char *out, const char *err, int *status)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
	                                 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err ? err : "/dev/null",
	                                 O_WRONLY | O_CREAT | O_APPEND, 0600);
	pid_t pid;
	double t0 = now_us();
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		*status = -1;
		return now_us() - t0;
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	double dt = now_us() - t0;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return dt;
}

/* shegong --db DB args..., for the set-up; exits when it fails */
static void
setup(const char *out, ...)
{
	char *argv[32] = {bin, "--db", db};
	int n = 3;
	va_list ap;
	va_start(ap, out);
	char *a;
	while ((a = va_arg(ap, char *)) && n < 31)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	char err[128];
	snprintf(err, sizeof err, "%s/setup.err", dir);
	int status;
	run(argv, out, err, &status);
	if (status != 0) {
		fprintf(stderr, "bench-load: shegong %s failed (exit %d); see %s\n", argv[3], status, err);
		exit(1);
	}
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long l = ftell(f);
	rewind(f);
	char *b = malloc(l + 1);
	if (!b || fread(b, 1, l, f) != (size_t)l) {
		fclose(f);
		free(b);
		return NULL;
	}
	fclose(f);
	b[l] = '\0';
	if (len)
		*len = l;
	return b;
}
/* split text into lines (ending \n or \r\n), in place */
static char **
lines(char *text, size_t *n)
{
	size_t cap = 1024;
	char **v = malloc(cap * sizeof *v);
	*n = 0;
	for (char *p = text; *p;) {
		char *e = strchr(p, '\n');
		if (e) {
			*e = '\0';
			if (e > p && e[-1] == '\r')
				e[-1] = '\0';
		}
		if (*p) {
			if (*n == cap)
				v = realloc(v, (cap *= 2) * sizeof *v);
			v[(*n)++] = p;
		}
		if (!e)
			break;
		p = e + 1;
	}
	return v;
}

/* --- the screen -------------------------------------------------------------- */
/* wait until the first row of the list (row 3) shows text, up to ms */
static bool
wait_first_row(vt *t, const char *text, int ms)
{
	double end = now_us() + ms * 1e3;
	while (vt_wait_text(t, text, ms)) {
		const char *r = vt_row(t, 3);
		if (r && strstr(r, text))
			return true;
		/* elsewhere on the screen: wait for the next output */
		int left = (int)((end - now_us()) / 1e3);
		if (left <= 0)
			return false;
		vt_pump(t, left < 20 ? left : 20);
	}
	return false;
}

/* A worker's session: shegong started in a pty of 80x24 (a UTF-8 terminal,
 * or GB18030 when gb, as PuTTY set so) until its
 * home screen shows 居民; 1, the resident list (查找); 王 typed until the
 * list's first row is the first resident `find` gives; Enter until the
 * record shows its 出生日期; F10 back to the list, F10 to the home
 * screen (主菜单); q, y, and the program's exit.  The session's time from before
 * the spawn to after waitpid; steps[] the three steps; false (what was
 * not seen written to err) on any failure. */
static bool
session(bool gb, double *total, double steps[3], FILE *err)
{
	char *argv[] = {bin, "--db", db, NULL};
	const char *missing = NULL;
	double t0 = now_us(), t1;
	vt *t = vt_spawn(argv, gb ? vt_env_gb : vt_env, 24, 80, gb ? "GB18030" : "UTF-8");
	if (!t) {
		fprintf(err, "screen: could not start\n");
		return false;
	}
	if (!vt_wait_text(t, "居民", WAIT_MS)) {
		missing = "the home screen (居民)";
		goto fail;
	}
	steps[0] = (t1 = now_us()) - t0;
	vt_type(t, "1");
	if (!vt_wait_text(t, "查找", WAIT_MS)) {
		missing = "the resident list (查找)";
		goto fail;
	}
	t1 = now_us();
	vt_type(t, SEARCH);
	if (!wait_first_row(t, first_name, WAIT_MS)) {
		missing = "the search's first row";
		goto fail;
	}
	steps[1] = now_us() - t1;
	t1 = now_us();
	vt_send_raw(t, VT_KEY_ENTER, 1);
	if (!vt_wait_text(t, "出生日期", WAIT_MS)) {
		missing = "the record (出生日期)";
		goto fail;
	}
	steps[2] = now_us() - t1;
	vt_send_raw(t, VT_KEY_F10, strlen(VT_KEY_F10));
	if (!vt_wait_text(t, "查找", WAIT_MS)) {
		missing = "the list after F10 (查找)";
		goto fail;
	}
	vt_send_raw(t, VT_KEY_F10, strlen(VT_KEY_F10));
	if (!vt_wait_text(t, "主菜单", WAIT_MS)) {
		missing = "the home screen after F10 (主菜单)";
		goto fail;
	}
	vt_type(t, "q");
	if (!vt_wait_text(t, "退出程序吗", WAIT_MS)) {
		missing = "the question after q (退出程序吗)";
		goto fail;
	}
	vt_type(t, "y");
	int status = -1;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		missing = "the program's exit";
		goto fail;
	}
	*total = now_us() - t0;
	vt_free(t);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(err, "screen: exit status 0x%x\n", (unsigned)status);
		return false;
	}
	return true;
fail:
	fprintf(err, "screen (%s): never showed %s; the screen was:\n%s\n", gb ? "GB18030" : "UTF-8", missing,
	        vt_screen(t));
	vt_free(t);
	return false;
}

/* --- one client ---------------------------------------------------------------- */
/* One command or session of kind k, the client c's n-th; its samples
 * appended to out as "kind µs ok" lines.  Returns whether it succeeded. */
static bool
one(int k, int c, int n, FILE *out, const char *errpath)
{
	if (k == K_SCREEN) {
		double total = 0, steps[3] = {0, 0, 0};
		FILE *err = fopen(errpath, "a");
		/* every other session on a GB18030 terminal */
		bool ok = session(n % 2, &total, steps, err ? err : stderr);
		if (err)
			fclose(err);
		fprintf(out, "%d %.0f %d\n", K_SCREEN, total, ok);
		if (ok)
			for (int s = 0; s < 3; s++)
				fprintf(out, "%d %.0f 1\n", K_S_START + s, steps[s]);
		return ok;
	}
	char file[128], id[128];
	char *argv[8] = {bin, "--db", db, NULL};
	switch (k) {
	case K_FIND:
		argv[3] = "find", argv[4] = "resident", argv[5] = SEARCH, argv[6] = NULL;
		break;
	case K_TODAY:
		argv[3] = "today", argv[4] = NULL;
		break;
	case K_SHOW:
		snprintf(id, sizeof id, "%s", ids[((size_t)c * 7919 + n) % nids]);
		argv[3] = "show", argv[4] = id, argv[5] = NULL;
		break;
	case K_SAVE: {
		/* the need of a row of the generated file, written before the clock starts */
		snprintf(file, sizeof file, "%s/need-%d-%d.csv", dir, c, n);
		FILE *f = fopen(file, "wb");
		if (!f)
			return false;
		fprintf(f, "%s\r\n%s\r\n", needhead, needrows[((size_t)c * 104729 + n) % nneedrows]);
		fclose(f);
		argv[3] = "import", argv[4] = "need", argv[5] = file, argv[6] = NULL;
		break;
	}
	}
	int status;
	double dt = run(argv, NULL, errpath, &status);
	if (status != 0) {
		FILE *err = fopen(errpath, "a");
		if (err) {
			fprintf(err, "%s: exit %d\n", kind_name[k], status);
			fclose(err);
		}
	}
	if (k == K_SAVE)
		unlink(file);
	fprintf(out, "%d %.0f %d\n", k, dt, status == 0);
	return status == 0;
}

/* the client c (a process of its own): rounds of the mix, starting at
 * its own place in it, so that each kind is running at every moment */
static int
client(int c, int rounds)
{
	char path[128], errpath[128];
	snprintf(path, sizeof path, "%s/client-%d.out", dir, c);
	snprintf(errpath, sizeof errpath, "%s/client-%d.err", dir, c);
	FILE *out = fopen(path, "w");
	if (!out)
		return 1;
	for (int r = 0; r < rounds; r++)
		one((c + r) % MIX, c, r, out, errpath);
	fclose(out);
	return 0;
}

/* --- the samples ------------------------------------------------------------------ */
struct series {
	double *v;
	int n, cap, errors;
};
static void
add(struct series *s, double v, bool ok)
{
	if (!ok) {
		s->errors++;
		return;
	}
	if (s->n == s->cap)
		s->v = realloc(s->v, (s->cap = s->cap ? s->cap * 2 : 64) * sizeof *s->v);
	s->v[s->n++] = v;
}
static void
read_samples(const char *path, struct series *s)
{
	FILE *f = fopen(path, "r");
	int k, ok;
	double v;
	while (f && fscanf(f, "%d %lf %d", &k, &v, &ok) == 3)
		if (k >= 0 && k < KINDS)
			add(&s[k], v, ok);
	if (f)
		fclose(f);
}

/* --- the table ------------------------------------------------------------------- */
static char table[32768];
static void
row(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t l = strlen(table);
	vsnprintf(table + l, sizeof table - l, fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}
static long
env_num(const char *name, long dflt)
{
	const char *v = getenv(name);
	long n = v && *v ? atol(v) : 0;
	return n > 0 ? n : dflt;
}
static const char *
ms(char *buf, size_t size, double us)
{
	snprintf(buf, size, us >= 100e3 ? "%.0f" : us >= 10e3 ? "%.1f" : "%.2f", us / 1e3);
	return buf;
}

int
main(int argc, char **argv)
{
	const char *outmd = argc > 1 ? argv[1] : "bench/RESULTS-load.md";
	long n = env_num("BENCH_N", 20000);
	int clients = (int)env_num("BENCH_LOAD_N", 30), rounds = (int)env_num("BENCH_LOAD_ROUNDS", 40);
	char self[PATH_MAX - 64];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
	self[sl > 0 ? sl : 0] = '\0';
	*strrchr(self, '/') = '\0';   /* .../bench */
	snprintf(bin, sizeof bin, "%s/../src/shegong", self);
	snprintf(gen, sizeof gen, "%s/bench-gen", self);
	setenv("LANG", "zh_CN.UTF-8", 1);
	setenv("LC_ALL", "zh_CN.UTF-8", 1);
	unsetenv("LANGUAGE");
	signal(SIGPIPE, SIG_IGN);
	snprintf(dir, sizeof dir, "/tmp/bench-load-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/db", dir);
	char csv[128], ncsv[128], scsv[128], idf[128], cmd[PATH_MAX + 512];
	snprintf(csv, sizeof csv, "%s/residents.csv", dir);
	snprintf(ncsv, sizeof ncsv, "%s/needs.csv", dir);
	snprintf(scsv, sizeof scsv, "%s/services.csv", dir);
	snprintf(idf, sizeof idf, "%s/ids.txt", dir);

	/* --- the database, as a township makes it with the command line */
	printf("generating %ld residents and importing them with shegong ...\n", n);
	double g0 = now_us();
	snprintf(cmd, sizeof cmd, "'%s' %ld '%s' '%s' '%s'", gen, n, csv, ncsv, scsv);
	if (system(cmd) != 0)
		return 1;
	setup(NULL, "init", "--county", "510421", "米易县", "--township", "510421100", "攀莲镇",
	      "--village", "510421100001", "安宁村", "--village", "510421100002", "龙华村", "--village",
	      "510421100003", "丙谷村", "--village", "510421100004", "垭口村", "--village",
	      "510421100005", "草场村", NULL);
	setup(NULL, "import", "resident", csv, NULL);
	setup(NULL, "import", "need", ncsv, NULL);
	setup(NULL, "import", "service", scsv, "--form", "service_care", NULL);
	double setup_s = (now_us() - g0) / 1e6;
	/* the residents to show: the first 1,000 by name */
	setup(idf, "find", "resident", "--limit", "1000", NULL);
	char *idtext = slurp(idf, NULL);
	ids = lines(idtext ? idtext : (char[]){""}, &nids);
	for (size_t i = 0; i < nids; i++)
		ids[i][strcspn(ids[i], "\t")] = '\0';
	/* what the session waits for after typing 王 */
	setup(idf, "find", "resident", SEARCH, "--limit", "1", NULL);
	char *ft = slurp(idf, NULL), *tab = ft ? strchr(ft, '\t') : NULL;
	if (tab)
		snprintf(first_name, sizeof first_name, "%.*s", (int)strcspn(tab + 1, "\t\n"), tab + 1);
	/* the needs file's rows, one saved by each save */
	char *nt = slurp(ncsv, NULL);
	needrows = lines(nt ? nt : (char[]){""}, &nneedrows);
	if (nids == 0 || !*first_name || nneedrows < 2) {
		fprintf(stderr, "bench-load: the database has no residents named %s, or no needs\n", SEARCH);
		return 1;
	}
	needhead = needrows[0];
	needrows++;
	nneedrows--;
	printf("  %.1f s; the search's first row: %s\n", setup_s, first_name);
	double la0[3] = {0, 0, 0};
	getloadavg(la0, 3);

	/* --- each kind alone, one after the other */
	struct series alone[KINDS], loaded[KINDS];
	memset(alone, 0, sizeof alone);
	memset(loaded, 0, sizeof loaded);
	printf("each command alone, %d times ...\n", ALONE);
	char path[128];
	snprintf(path, sizeof path, "%s/alone.out", dir);
	FILE *ao = fopen(path, "w");
	if (!ao)
		return 1;
	char aerr[128];
	snprintf(aerr, sizeof aerr, "%s/alone.err", dir);
	for (int i = 0; i < ALONE; i++)
		for (int k = 0; k < MIX; k++)
			one(k, clients, i, ao, aerr);   /* client number "clients": its own rows */
	fclose(ao);
	read_samples(path, alone);

	/* --- the load: every client at once */
	printf("%d clients at once, %d rounds each ...\n", clients, rounds);
	pid_t *pids = calloc(clients, sizeof *pids);
	double l0 = now_us();
	for (int c = 0; c < clients; c++) {
		fflush(stdout);
		pids[c] = fork();
		if (pids[c] == 0)
			_exit(client(c, rounds));
		if (pids[c] < 0) {
			perror("bench-load: fork");
			return 1;
		}
	}
	int client_fail = 0;
	for (int c = 0; c < clients; c++) {
		int st;
		while (waitpid(pids[c], &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			client_fail++;
	}
	double load_s = (now_us() - l0) / 1e6;
	int errors = 0;
	for (int c = 0; c < clients; c++) {
		snprintf(path, sizeof path, "%s/client-%d.out", dir, c);
		read_samples(path, loaded);
	}
	for (int k = 0; k < MIX; k++)
		errors += loaded[k].errors + alone[k].errors;
	double la1[3] = {0, 0, 0};
	getloadavg(la1, 3);

	/* --- the database afterwards */
	char chk[128], chkerr[128];
	snprintf(chk, sizeof chk, "%s/check.out", dir);
	snprintf(chkerr, sizeof chkerr, "%s/check.err", dir);
	char *cargv[] = {bin, "--db", db, "check", NULL};
	int cstatus;
	double check_us = run(cargv, chk, chkerr, &cstatus);
	char *ctext = slurp(chk, NULL);
	char *cerr = slurp(chkerr, NULL);

	/* --- the table */
	struct utsname u;
	uname(&u);
	char cpu[256] = "?", line[512];
	FILE *ci = fopen("/proc/cpuinfo", "r");
	while (ci && fgets(line, sizeof line, ci))
		if (sscanf(line, "model name : %255[^\n]", cpu) == 1)
			break;
	if (ci)
		fclose(ci);
	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", localtime(&now));
	long done = 0;
	for (int k = 0; k < MIX; k++)
		done += loaded[k].n + loaded[k].errors;
	printf("\n");
	row("# The township load (`make bench-load`)\n\n"
	    "Written by bench-load (bench/load.c); bench/README.md says how it runs.\n\n");
	row("Machine: %s %s %s %s; CPU %s, %ld online; load average %.2f %.2f %.2f before the "
	    "commands alone, %.2f %.2f %.2f after the load; %s.\n\n",
	    u.sysname, u.nodename, u.release, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), la0[0],
	    la0[1], la0[2], la1[0], la1[1], la1[2], date);
	row("One database: %ld residents made by bench-gen, imported with `shegong import` with "
	    "their %zu needs and the care services (%.1f s). Alone: each command %d times, one at a "
	    "time. Under load: %d clients at once, each its own process running %d commands or "
	    "sessions back to back (%ld in all, %.1f s, %.1f a second).\n\n",
	    n, nneedrows, setup_s, ALONE, clients, rounds, done, load_s, done / load_s);
	row("| command | alone: median / p99 (ms) | under load: median / p99 (ms) | runs under load | "
	    "ratio of medians | ratio of p99 | errors |\n"
	    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (int k = 0; k < KINDS; k++) {
		struct series *a = &alone[k], *l = &loaded[k];
		qsort(a->v, a->n, sizeof *a->v, cmp_d);
		qsort(l->v, l->n, sizeof *l->v, cmp_d);
		char b1[32], b2[32], b3[32], b4[32], e[32];
		double am = pct(a->v, a->n, 50), ap = pct(a->v, a->n, 99), lm = pct(l->v, l->n, 50),
		       lp = pct(l->v, l->n, 99);
		if (k < MIX)
			snprintf(e, sizeof e, "%d", a->errors + l->errors);
		else
			snprintf(e, sizeof e, "(above)");
		row("| %s | %s / %s | %s / %s | %d | %.1f | %.1f | %s |\n", kind_name[k],
		    ms(b1, sizeof b1, am), ms(b2, sizeof b2, ap), ms(b3, sizeof b3, lm),
		    ms(b4, sizeof b4, lp), l->n, am > 0 ? lm / am : 0, ap > 0 ? lp / ap : 0, e);
	}
	/* the check's verdict: its last line */
	char verdict[512] = "";
	if (ctext) {
		size_t nl;
		char **cl = lines(ctext, &nl);
		if (nl)
			snprintf(verdict, sizeof verdict, "%s", cl[nl - 1]);
	}
	row("\n`shegong check` afterwards (%.1f s): exit %d, \"%s\"%s%s.\n", check_us / 1e6, cstatus,
	    verdict, cerr && *cerr ? "; it said on stderr: " : "", cerr && *cerr ? cerr : "");
	row("Errors: %d (a command's exit status not 0, or a screen that never showed what was "
	    "waited for within %d s)%s.\n",
	    errors, WAIT_MS / 1000, client_fail ? "; and a client process that failed" : "");

	/* the first errors, for whoever reads the run */
	if (errors) {
		fprintf(stderr, "\nbench-load: %d errors; the first as reported:\n", errors);
		for (int c = 0; c <= clients; c++) {
			if (c < clients)
				snprintf(path, sizeof path, "%s/client-%d.err", dir, c);
			char *t = slurp(c < clients ? path : aerr, NULL);
			if (t && *t) {
				fprintf(stderr, "%.2000s\n", t);
				free(t);
				break;
			}
			free(t);
		}
	}

	/* OUT.md: the table, then the notes kept from the file as it was */
	char *old = slurp(outmd, NULL);
	char *notes = old ? strstr(old, NOTES) : NULL;
	FILE *of = fopen(outmd, "w");
	if (of) {
		fputs(table, of);
		fputs("\n", of);
		fputs(notes ? notes : NOTES "\n", of);
		fclose(of);
		printf("\nwritten to %s\n", outmd);
	} else {
		fprintf(stderr, "bench-load: cannot write %s\n", outmd);
	}
	free(old);
	bool ok = errors == 0 && client_fail == 0 && cstatus == 0;
	if (ok) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench-load: %s left behind\n", dir);
	} else {
		fprintf(stderr, "bench-load: failed; the database and the clients' output are in %s\n", dir);
	}
	return ok ? 0 : 1;
}
