/* check-faults.c: the faults a township server meets, many times over:
 * kill -9 at a random moment during `shegong import` and during four
 * writers' saves (afterwards the database checks whole and every save
 * that was acknowledged is there), the link dropped mid-form (the draft
 * comes back), the disk full (a clear error, nothing half saved, work
 * goes on once there is room), the map grown by one process under
 * others, and killed readers' slots cleared so the file stays bounded.
 *
 * FAULT_ROUNDS (default 10) sets the kill rounds and FAULT_HANGUPS
 * (default 3) the hang-up rounds, FAULT_IMPORT_ROWS (default 10000) the
 * size of the file imported; `make check-faults` runs 200, 100, 30000.
 * Each test prints a line "faults: ..." with its rounds and what was
 * lost, which .ci/run shows. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "index.h"
#include "record.h"
#include "store.h"
#include "testdb.h"
#include "vt.h"

#define WAIT_MS 15000

/* --- helpers ------------------------------------------------------------- */

static int
env_int(const char *name, int dflt)
{
	const char *v = getenv(name);
	int n = v && *v ? atoi(v) : 0;
	return n > 0 ? n : dflt;
}

static const char *
bin(void)
{
	const char *b = getenv("SHEGONG_BIN");
	return b && *b ? b : "../src/shegong";
}

static unsigned
seed(void)
{
	unsigned s = (unsigned)env_int("FAULT_SEED", (int)(time(NULL) ^ getpid()));
	printf("faults: seed %u (FAULT_SEED=%u repeats this run)\n", s, s);
	fflush(stdout);
	return s;
}

static long long
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static off_t
file_size(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static void
sh(const char *fmt, const char *a, const char *b)
{
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, fmt, a, b), 0);
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
	free(cmd);
}

/* A demo database in a new folder, made by the program. */
static char *
demo_db(void)
{
	char *dir = testdb_dir("faults");
	char *cmd;
	ck_assert_int_ge(asprintf(&cmd, "'%s' --demo --db '%s' --as admin find resident 无此人 "
	                          ">/dev/null 2>&1 </dev/null", bin(), dir), 0);
	ck_assert_int_eq(system(cmd), 0);
	free(cmd);
	return dir;
}

struct get_ctx {
	rec_id id;
	record *r;
	int err;
};

static int
get_one(store_txn *t, void *ctx)
{
	struct get_ctx *g = ctx;
	g->err = store_get(t, &g->id, &g->r);
	return 0;
}

static int
count_find(const rec_id *id, const char *value, void *ctx)
{
	(void)id;
	(void)value;
	(*(size_t *)ctx)++;
	return 0;
}

struct find_args {
	const char *prefix;
	size_t n;
};

static int
find_txn(store_txn *t, void *ctx)
{
	struct find_args *a = ctx;
	a->n = 0;
	store_find(t, IDX_NAME, REC_RESIDENT, a->prefix, count_find, &a->n);
	return 0;
}

static size_t
count_named(store *st, const char *prefix)
{
	struct find_args a = {prefix, 0};
	ck_assert_int_eq(store_read(st, find_txn, &a), STORE_OK);
	return a.n;
}

static int
count_txn(store_txn *t, void *ctx)
{
	return store_count(t, REC_RESIDENT, ctx);
}

static size_t
count_residents(store *st)
{
	size_t n = 0;
	ck_assert_int_eq(store_read(st, count_txn, &n), STORE_OK);
	return n;
}

static void
report_fault(const char *msg, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "verify: %s\n", msg);
}

/* The database is whole: every index entry matches its record, and the
 * audit chain is unbroken.  Returns the audit entries. */
static size_t
assert_whole(store *st, const char *when)
{
	size_t faults = 99;
	ck_assert_int_eq(store_verify(st, false, &faults, report_fault, NULL), STORE_OK);
	ck_assert_msg(faults == 0, "%s: %zu index faults", when, faults);
	size_t entries = 0;
	uint64_t bad = 1;
	char why[512] = "";
	ck_assert_int_eq(audit_verify(st, &entries, &bad, why, sizeof why), STORE_OK);
	ck_assert_msg(bad == 0, "%s: audit entry %llu: %s", when, (unsigned long long)bad, why);
	return entries;
}

/* Run the program (argv after the program's name), stdin and stdout to
 * /dev/null, stderr to errfile when not NULL; returns its pid. */
static pid_t
spawn(char *const argv[], const char *errfile)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int err = errfile ? open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600) : null;
		if (null < 0 || err < 0)
			_exit(126);
		dup2(null, 0);
		dup2(null, 1);
		dup2(err, 2);
		setenv("LANG", "C.UTF-8", 1);
		setenv("LC_ALL", "C.UTF-8", 1);
		execv(bin(), argv);
		_exit(127);
	}
	return pid;
}

static int
wait_status(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		ck_assert_int_eq(errno, EINTR);
	return status;
}

/* `shegong check` on dir passes (exit 0); its output shown otherwise. */
static void
assert_check(const char *dir, const char *when)
{
	char out[4096];
	snprintf(out, sizeof out, "%s/../check.out", dir);
	char *argv[] = {(char *)bin(), "--demo", "--db", (char *)dir, "--as", "admin", "check", NULL};
	int status = wait_status(spawn(argv, out));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		sh("cat '%s' >&2%s", out, "");
		ck_abort_msg("%s: shegong check failed (status %d)", when, status);
	}
	unlink(out);
}

/* --- kill -9 during an import ------------------------------------------------ */

/* An ID number of 510421 (米易县) for row i: a birth date and a sequence
 * number made from i, and the check character. */
static void
idnum(char out[19], int i)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	int d = i / 999;
	snprintf(out, 19, "510421%04d%02d%02d%03d", 1940 + d / 336, 1 + (d / 28) % 12, 1 + d % 28,
	         1 + i % 999);
	int sum = 0;
	for (int k = 0; k < 17; k++)
		sum += (out[k] - '0') * w[k];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

static void
write_csv(const char *path, int rows)
{
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("\xef\xbb\xbf姓名,身份证号,村(社区),住址\r\n", f);
	for (int i = 0; i < rows; i++) {
		char id[19];
		idnum(id, i);
		fprintf(f, "导入%06d,%s,安宁村,\"安宁村%d组, %d号\"\r\n", i, id, i % 9 + 1, i);
	}
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_kill_import)
{
	int rounds = env_int("FAULT_ROUNDS", 10);
	int rows = env_int("FAULT_IMPORT_ROWS", 10000);
	srand(seed());
	char *tmpl = demo_db();
	char *csv, *dir, *err;
	ck_assert_int_ge(asprintf(&csv, "%s.csv", tmpl), 0);
	ck_assert_int_ge(asprintf(&dir, "%s.round", tmpl), 0);
	ck_assert_int_ge(asprintf(&err, "%s.err", tmpl), 0);
	write_csv(csv, rows);
	char *argv[] = {(char *)bin(), "--demo", "--db", dir, "--as", "admin", "import", "resident",
	                csv, NULL};

	/* once whole, to know how long an import takes here */
	sh("cp -a '%s' '%s'", tmpl, dir);
	long long t0 = now_ms();
	int status = wait_status(spawn(argv, err));
	long long took = now_ms() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		sh("cat '%s' >&2%s", err, "");
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the import failed");
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
	ck_assert_uint_eq(count_named(st, "导入"), (size_t)rows);
	store_close(st);

	int killed = 0, finished = 0, lost = 0;
	size_t partial = 0;
	for (int r = 0; r < rounds; r++) {
		sh("rm -rf '%s'%s", dir, "");
		sh("cp -a '%s' '%s'", tmpl, dir);
		pid_t pid = spawn(argv, err);
		sleep_ms(rand() % (took + took / 5 + 1));
		kill(pid, SIGKILL);
		status = wait_status(pid);
		if (WIFSIGNALED(status))
			killed++;
		else
			finished++;
		char when[64];
		snprintf(when, sizeof when, "import round %d", r);
		assert_check(dir, when);
		ck_assert_int_eq(store_open(&st, dir, STORE_RDONLY), STORE_OK);
		size_t n = count_named(st, "导入");
		assert_whole(st, when);
		store_close(st);
		if (WIFEXITED(status)) {
			/* it finished before the kill: everything it said it saved */
			ck_assert_int_eq(WEXITSTATUS(status), 0);
			lost += rows - (int)n;
		} else {
			/* a batch is one transaction: all of it or none */
			ck_assert_msg(n % 1000 == 0, "%s: %zu rows saved, not whole batches", when, n);
			if (n)
				partial++;
		}
	}
	printf("faults: import killed: %d rounds (%d killed, %zu of them after saving part, "
	       "%d finished first; an import of %d rows takes %lld ms), records lost: %d\n",
	       rounds, killed, partial, finished, rows, took, lost);
	fflush(stdout);
	ck_assert_int_eq(lost, 0);
	sh("rm -rf '%s' '%s'", dir, csv);
	unlink(err);
	free(csv);
	free(dir);
	free(err);
	testdb_rm(tmpl);
}
END_TEST

/* --- kill -9 during four writers' saves -------------------------------------- */

enum { WRITERS = 4 };

/* One writer: saves residents until killed; each id goes to its file the
 * moment store_save returned STORE_OK (an acknowledged save), in one
 * write so a line is whole or absent. */
static void
writer(const char *dir, const char *ackpath, int w, int round, size_t note_len)
{
	store *st;
	if (store_open(&st, dir, 0))
		_exit(10);
	audit_attach(st);
	store_set_user(st, "writer");
	int fd = open(ackpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0)
		_exit(11);
	char *note = malloc(note_len + 1);
	if (!note)
		_exit(12);
	for (size_t k = 0; k < note_len; k++)
		note[k] = (char)('a' + (k * 7 + (size_t)w) % 26);
	note[note_len] = '\0';
	for (int i = 0;; i++) {
		char name[64];
		snprintf(name, sizeof name, "写%d轮%d号%d", w, round, i);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", name);
		record_set(r, "notes", note);
		int err = store_save(st, r);
		if (err != STORE_OK) {
			dprintf(fd, "E %d %s\n", err, store_strerror(err));
			_exit(13);
		}
		char line[REC_ID_TEXTMAX + 80], id[REC_ID_TEXTMAX];
		int len = snprintf(line, sizeof line, "%s %s\n", rec_id_format(&r->id, id), name);
		if (write(fd, line, (size_t)len) != len)
			_exit(14);
		record_free(r);
	}
}

/* Each acknowledged id in path: is it there, with its name?  Returns the
 * number acknowledged; *lost the number missing. */
static size_t
check_acks(store *st, const char *path, size_t *lost)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = 0;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		size_t len = strlen(line);
		if (len == 0 || line[len - 1] != '\n')
			continue;   /* cut by the kill: not acknowledged */
		line[len - 1] = '\0';
		ck_assert_msg(line[0] != 'E', "a writer failed: %s", line);
		char *sp = strchr(line, ' ');
		ck_assert_ptr_nonnull(sp);
		*sp = '\0';
		struct get_ctx g = {.r = NULL};
		ck_assert_int_eq(rec_id_parse(line, &g.id), 0);
		ck_assert_int_eq(store_read(st, get_one, &g), STORE_OK);
		n++;
		if (g.err != STORE_OK || strcmp(record_get(g.r, "name"), sp + 1) != 0) {
			fprintf(stderr, "lost: %s %s (%s)\n", line, sp + 1, store_strerror(g.err));
			(*lost)++;
		}
		record_free(g.r);
	}
	fclose(f);
	return n;
}

START_TEST(test_kill_writers)
{
	int rounds = env_int("FAULT_ROUNDS", 10);
	srand(seed());
	char *dir = testdb_dir("faults");
	store_close(testdb_open(dir));
	size_t acked = 0, lost = 0, map0 = 0;
	long long t0 = now_ms();
	for (int r = 0; r < rounds; r++) {
		pid_t pids[WRITERS];
		char ack[WRITERS][4096];
		for (int w = 0; w < WRITERS; w++) {
			snprintf(ack[w], sizeof ack[w], "%s.ack%d", dir, w);
			unlink(ack[w]);
			pids[w] = fork();
			ck_assert_int_ge(pids[w], 0);
			if (pids[w] == 0)
				writer(dir, ack[w], w, r, 2000);
		}
		/* each killed at its own moment, somewhere in a save or between */
		for (int w = 0; w < WRITERS; w++) {
			sleep_ms(rand() % 150);
			kill(pids[w], SIGKILL);
		}
		for (int w = 0; w < WRITERS; w++) {
			int status = wait_status(pids[w]);
			ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
			              "round %d: writer %d stopped by itself (status %d)", r, w, status);
		}
		store *st;
		ck_assert_int_eq(store_open(&st, dir, 0), STORE_OK);
		char when[64];
		snprintf(when, sizeof when, "writers round %d", r);
		assert_whole(st, when);
		for (int w = 0; w < WRITERS; w++)
			acked += check_acks(st, ack[w], &lost);
		if (r == 0)
			map0 = store_mapsize(st);
		size_t map = store_mapsize(st);
		store_close(st);
		if (r == rounds - 1)
			printf("faults: writers killed: %d rounds x %d writers, %zu saves acknowledged, "
			       "records lost: %zu (map %zu -> %zu MiB, %lld ms)\n",
			       rounds, WRITERS, acked, lost, map0 >> 20, map >> 20, now_ms() - t0);
	}
	fflush(stdout);
	ck_assert_uint_gt(acked, 0);
	ck_assert_uint_eq(lost, 0);
	for (int w = 0; w < WRITERS; w++) {
		char path[4096];
		snprintf(path, sizeof path, "%s.ack%d", dir, w);
		unlink(path);
	}
	testdb_rm(dir);
}
END_TEST

/* --- the link dropped mid-form ------------------------------------------------ */

static void
vexpect(vt *t, const char *text)
{
	if (!vt_wait_text(t, text, WAIT_MS)) {
		vt_dump(t);
		ck_abort_msg("\"%s\" never showed", text);
	}
}

static void
vkeys(vt *t, const char *k)
{
	ck_assert_int_eq(vt_send_raw(t, k, strlen(k)), 0);
}

/* The longest prefix of name (whole characters) on the screen, in bytes. */
static size_t
shown_prefix(vt *t, const char *name)
{
	const char *screen = vt_screen(t);
	size_t best = 0;
	for (size_t n = 1; n <= strlen(name); n++) {
		if ((name[n] & 0xC0) == 0x80)
			continue;   /* not the end of a character */
		char *p = strndup(name, n);
		if (strstr(screen, p))
			best = n;
		free(p);
	}
	return best;
}

START_TEST(test_hangup)
{
	static const char *const chars[] = {"张", "王", "李", "赵", "刘", "陈", "杨", "𡃁", "花", "明"};
	int rounds = env_int("FAULT_HANGUPS", 3);
	srand(seed());
	char *dir = demo_db();
	char *argv[] = {(char *)bin(), "--demo", "--db", dir, NULL};
	/* rounds go in fours: SIGHUP and the terminal gone, each on a UTF-8
	 * and on a GB18030 terminal */
	char *envs[2][4] = {{"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL},
	                    {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL}};
	static const char *const encs[2] = {"UTF-8", "GB18030"};
	int back = 0, shorter = 0, gb = 0;
	size_t typed_total = 0, kept_total = 0;
	for (int r = 0; r < rounds; r++) {
		int e = (r / 2) % 2;
		char **env = envs[e];
		gb += e;
		vt *t = vt_spawn(argv, env, 24, 80, encs[e]);
		ck_assert_ptr_nonnull(t);
		vexpect(t, "居民");
		vt_pump(t, 200);
		if (strstr(vt_screen(t), "要恢复吗")) {
			/* the draft the last round brought back and left */
			vkeys(t, "n");
			vexpect(t, "丢弃这份草稿吗");
			vkeys(t, "y");
			vexpect(t, "草稿已丢弃");
		}
		vkeys(t, "1");
		vexpect(t, "查找");
		vkeys(t, "\033OR");   /* F3: a new resident */
		vexpect(t, "新建");
		/* 龘 marks the name: no label has it */
		char name[128] = "龘";
		ck_assert_int_eq(vt_type(t, name), 0);
		vexpect(t, name);
		int more = rand() % 8;
		for (int k = 0; k < more; k++) {
			const char *c = chars[rand() % 10];
			strcat(name, c);
			ck_assert_int_eq(vt_type(t, c), 0);
			if (rand() % 2)
				vt_pump(t, rand() % 120);
		}
		vt_pump(t, rand() % 300);
		size_t seen = shown_prefix(t, name);
		/* the link drops: SIGHUP alone, or the terminal gone too */
		if (r % 2)
			vt_kill(t, SIGHUP);
		else
			vt_hangup(t);
		int status;
		ck_assert_msg(vt_wait_exit(t, WAIT_MS, &status), "round %d: no exit after the hang-up", r);
		vt_free(t);

		t = vt_spawn(argv, env, 24, 80, encs[e]);
		ck_assert_ptr_nonnull(t);
		if (!vt_wait_text(t, "要恢复吗", WAIT_MS)) {
			vt_dump(t);
			ck_abort_msg("round %d: the draft did not come back (typed %s, %zu bytes seen)", r,
			             name, seen);
		}
		vt_pump(t, 200);
		size_t kept = shown_prefix(t, name);
		if (kept < seen) {
			vt_dump(t);
			ck_abort_msg("round %d: the draft lost what was on the screen: %s, kept %zu of %zu "
			             "bytes", r, name, kept, seen);
		}
		back++;
		typed_total += strlen(name);
		kept_total += kept;
		if (kept < strlen(name))
			shorter++;   /* keys the program had not read yet: never shown */
		/* bring it back every other round, else throw it away */
		if (r % 2) {
			vkeys(t, "y");
			vexpect(t, "草稿已恢复");
		} else {
			vkeys(t, "n");
			vexpect(t, "丢弃这份草稿吗");
			vkeys(t, "y");
			vexpect(t, "草稿已丢弃");
		}
		if (r % 2) {
			/* in the form again, to finish: what the program had read
			 * (keys still on their way when the link dropped never were) */
			char back_name[128];
			snprintf(back_name, sizeof back_name, "%.*s", (int)kept, name);
			vexpect(t, back_name);
		}
		vt_free(t);
	}
	printf("faults: link dropped mid-form: %d rounds (%d on a GB18030 terminal), draft back %d "
	       "times, %d of them without keys typed after the last screen update (%zu of %zu bytes "
	       "kept)\n",
	       rounds, gb, back, shorter, kept_total, typed_total);
	fflush(stdout);
	ck_assert_int_eq(back, rounds);
	testdb_rm(dir);
}
END_TEST

/* --- the disk full ------------------------------------------------------------- */

struct fill {
	int from, n;
	size_t note;
};

static int
put_fill(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	char *note = malloc(f->note + 1);
	if (!note)
		return store_txn_fail(t, STORE_NOMEM);
	memset(note, 'n', f->note);
	note[f->note] = '\0';
	for (int i = 0; i < f->n && !store_txn_error(t); i++) {
		char name[32];
		snprintf(name, sizeof name, "满%06d", f->from + i);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", name);
		record_set(r, "notes", note);
		store_put(t, r);
		record_free(r);
	}
	free(note);
	return store_txn_error(t);
}

/* Write batches of five records until a write fails; check that it
 * failed with want, whole: none of its five records, index entries or
 * audit entries are there.  Returns the records saved. */
static int
fill_until_full(store *st, int want, const char *how)
{
	size_t entries = assert_whole(st, how);
	int saved = 0, err = STORE_OK;
	struct fill f = {0, 5, 3000};
	for (int i = 0; i < 100000 && err == STORE_OK; i++) {
		f.from = saved;
		err = store_write(st, put_fill, &f);
		if (err == STORE_OK) {
			saved += f.n;
			entries += (size_t)f.n;
		}
	}
	ck_assert_msg(err == want, "%s: %s, not %s", how, store_strerror(err), store_strerror(want));
	ck_assert_uint_eq(count_named(st, "满"), (size_t)saved);
	char name[32];
	snprintf(name, sizeof name, "满%06d", saved);
	ck_assert_uint_eq(count_named(st, name), 0);
	ck_assert_uint_eq(count_residents(st), (size_t)saved);
	ck_assert_uint_eq(assert_whole(st, how), entries);
	/* the message says what happened and that nothing was saved */
	const char *msg = store_strerror(err);
	ck_assert_msg(strstr(msg, "nothing was saved") != NULL, "unclear: %s", msg);
	return saved;
}

/* Then once there is room: the next batch saves, all of it. */
static void
goes_on(store *st, int saved, const char *how)
{
	struct fill f = {saved, 5, 3000};
	ck_assert_int_eq(store_write(st, put_fill, &f), STORE_OK);
	ck_assert_uint_eq(count_named(st, "满"), (size_t)saved + 5);
	assert_whole(st, how);
}

/* A small tmpfs of our own, in a mount namespace of our own so that it
 * goes when the test's process does, whatever happens.  false when this
 * system does not let us (not root, in a container). */
static bool
small_tmpfs(const char *dir, const char *size)
{
	if (unshare(CLONE_NEWNS) < 0)
		return false;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return false;
	char opts[64];
	snprintf(opts, sizeof opts, "size=%s,mode=0700", size);
	return mount("faults", dir, "tmpfs", 0, opts) == 0;
}

/* One full disk in dir: on the small tmpfs mounted there (a filler file
 * to delete later), or, tmpfs false, by RLIMIT_FSIZE (the file may not
 * grow past a limit, which the writes meet as EFBIG or cut short, the way
 * a full disk's ENOSPC comes).  Returns the records saved before. */
static int
disk_full_case(const char *dir, bool tmpfs, const char *how)
{
	store *st = testdb_open(dir);
	audit_attach(st);
	char filler[4096];
	snprintf(filler, sizeof filler, "%s/filler", dir);
	struct rlimit old;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	if (tmpfs) {
		/* room to free later */
		FILE *f = fopen(filler, "w");
		ck_assert_ptr_nonnull(f);
		static char block[65536];
		for (int i = 0; i < 8; i++)
			ck_assert_uint_eq(fwrite(block, 1, sizeof block, f), sizeof block);
		ck_assert_int_eq(fclose(f), 0);
	} else {
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit lim = old;
		lim.rlim_cur = (rlim_t)file_size(dir, "data.mdb") + (2u << 20);
		ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	}
	int saved = fill_until_full(st, STORE_DISKFULL, how);
	ck_assert_int_gt(saved, 0);
	/* still full: a second try fails the same way, and harms nothing */
	struct fill f = {saved, 5, 3000};
	ck_assert_int_eq(store_write(st, put_fill, &f), STORE_DISKFULL);
	assert_whole(st, how);
	/* a worker's form: store_save leaves it as it was */
	record *r = record_new(REC_RESIDENT);
	static char big[200000];
	memset(big, 'b', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	record_set(r, "name", "满表单");
	record_set(r, "notes", big);
	ck_assert_int_eq(store_save(st, r), STORE_DISKFULL);
	ck_assert_uint_eq(r->version, 0);
	ck_assert_uint_eq(r->id.seq, 0);
	/* room again */
	if (tmpfs)
		ck_assert_int_eq(unlink(filler), 0);
	else
		ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	goes_on(st, saved, how);
	ck_assert_int_eq(store_save(st, r), STORE_OK);
	ck_assert_uint_eq(r->version, 1);
	ck_assert_uint_eq(count_named(st, "满表单"), 1);
	record_free(r);
	store_close(st);
	/* and a fresh open finds it all whole */
	st = testdb_open(dir);
	audit_attach(st);
	assert_whole(st, "reopened");
	ck_assert_uint_eq(count_named(st, "满"), (size_t)saved + 6);
	store_close(st);
	return saved;
}

START_TEST(test_disk_full)
{
	/* a real full disk where this system lets us mount one (root, not
	 * in a locked-down container); the file size limit always, so that
	 * both ways are tried wherever they can be */
	char *top = testdb_dir("faults");
	char *dir;
	ck_assert_int_ge(asprintf(&dir, "%s/disk", top), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	bool tmpfs = small_tmpfs(dir, "3m");
	int on_tmpfs = tmpfs ? disk_full_case(dir, true, "a 3 MiB tmpfs") : -1;
	char *dir2 = testdb_dir("faults");
	int on_limit = disk_full_case(dir2, false, "RLIMIT_FSIZE");
	testdb_rm(dir2);

	/* the map at its limit (a 32-bit system's): the same promises */
	char *dir3 = testdb_dir("faults");
	store *st = testdb_open(dir3);
	audit_attach(st);
	store_set_maplimit(st, store_mapsize(st));
	int on_map = fill_until_full(st, STORE_MAPLIMIT, "the map at its limit");
	store_set_maplimit(st, SIZE_MAX);
	goes_on(st, on_map, "the map let grow");
	store_close(st);
	testdb_rm(dir3);
	if (tmpfs)
		printf("faults: disk full on a 3 MiB tmpfs: %d records then STORE_DISKFULL, nothing "
		       "half saved, saving again once freed\n", on_tmpfs);
	else
		printf("faults: disk full on a tmpfs: not tried, mounting is not permitted here\n");
	printf("faults: disk full by RLIMIT_FSIZE: %d records then STORE_DISKFULL, the same; map "
	       "limit: %d records then STORE_MAPLIMIT, the same\n", on_limit, on_map);
	fflush(stdout);
	if (tmpfs)
		umount2(dir, MNT_DETACH);
	free(dir);
	testdb_rm(top);
}
END_TEST

/* --- the map grown under several writers --------------------------------------- */

START_TEST(test_map_growth)
{
	char *dir = testdb_dir("faults");
	/* this process stays open throughout, as a worker's session would */
	store *st = testdb_open(dir);
	audit_attach(st);
	size_t start = store_mapsize(st);
	enum { TXNS = 12, PER = 40, NOTE = 20000 };
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0) {
			store *cst;
			if (store_open(&cst, dir, 0))
				_exit(10);
			audit_attach(cst);
			for (int i = 0; i < TXNS; i++) {
				struct fill f = {(w * TXNS + i) * PER, PER, NOTE};
				int err = store_write(cst, put_fill, &f);
				if (err) {
					fprintf(stderr, "writer %d: %s\n", w, store_strerror(err));
					_exit(11);
				}
			}
			store_close(cst);
			_exit(0);
		}
	}
	for (int w = 0; w < WRITERS; w++) {
		int status = wait_status(pids[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", w);
	}
	/* this process adopts the size the others grew the map to */
	ck_assert_uint_eq(count_named(st, "满"), (size_t)WRITERS * TXNS * PER);
	size_t now = store_mapsize(st);
	ck_assert_msg(now > start, "the map did not grow (%zu)", now);
	assert_whole(st, "after growing");
	struct fill f = {999999, 1, 10};
	ck_assert_int_eq(store_write(st, put_fill, &f), STORE_OK);
	printf("faults: map growth: %d writers, %d MiB of records, the map %zu -> %zu MiB, every "
	       "record there\n", WRITERS, (int)((size_t)WRITERS * TXNS * PER * NOTE >> 20),
	       start >> 20, now >> 20);
	fflush(stdout);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

/* --- killed readers ------------------------------------------------------------- */

static int
hold_read(store_txn *t, void *ctx)
{
	(void)t;
	int fd = *(int *)ctx;
	if (write(fd, "r", 1) != 1)
		return 1;
	for (;;)
		pause();
}

/* Rewrite the same records (updates: the old pages are freed, to be
 * reused once no reader needs them). */
struct rewrite {
	int n;
	size_t note;
	int round;
};

static int
rewrite_txn(store_txn *t, void *ctx)
{
	struct rewrite *rw = ctx;
	char *note = malloc(rw->note + 1);
	if (!note)
		return store_txn_fail(t, STORE_NOMEM);
	memset(note, 'a' + rw->round % 26, rw->note);
	note[rw->note] = '\0';
	for (int i = 0; i < rw->n && !store_txn_error(t); i++) {
		rec_id id = {.kind = REC_RESIDENT, .site = store_site(store_txn_store(t)),
		             .seq = (uint64_t)i + 1};
		record *r = NULL;
		if (store_get(t, &id, &r) == STORE_NOTFOUND) {
			r = record_new(REC_RESIDENT);
			r->id = id;
			record_set(r, "name", "读者");
		}
		if (!r)
			break;
		record_set(r, "notes", note);
		store_put(t, r);
		record_free(r);
	}
	free(note);
	return store_txn_error(t);
}

START_TEST(test_stale_readers)
{
	int rounds = env_int("FAULT_ROUNDS", 10);
	rounds = rounds < 12 ? 12 : rounds > 40 ? 40 : rounds;
	char *dir = testdb_dir("faults");
	/* a long session holds the database open all along: LMDB would
	 * otherwise reset the reader table when the last process left */
	store *st = testdb_open(dir);
	off_t sizes[64];
	for (int r = 0; r < rounds; r++) {
		int p[2];
		ck_assert_int_eq(pipe(p), 0);
		pid_t reader = fork();
		ck_assert_int_ge(reader, 0);
		if (reader == 0) {
			store *cst;
			if (store_open(&cst, dir, 0))
				_exit(10);
			store_read(cst, hold_read, &p[1]);
			_exit(11);
		}
		char c;
		ck_assert_int_eq(read(p[0], &c, 1), 1);
		close(p[0]);
		close(p[1]);
		kill(reader, SIGKILL);
		wait_status(reader);
		/* the next program to open the database clears the dead slot
		 * and may then reuse the pages it held */
		pid_t w = fork();
		ck_assert_int_ge(w, 0);
		if (w == 0) {
			store *cst;
			if (store_open(&cst, dir, 0))
				_exit(10);
			for (int k = 0; k < 4; k++) {
				struct rewrite rw = {50, 16000, r * 4 + k};
				if (store_write(cst, rewrite_txn, &rw))
					_exit(11);
			}
			store_close(cst);
			_exit(0);
		}
		int status = wait_status(w);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %d: the writer failed",
		              r);
		sizes[r] = file_size(dir, "data.mdb");
	}
	/* 50 records of 16 kB rewritten 4 times a round: without the clearing
	 * every round pins a new snapshot and the file grows by about 3 MB a
	 * round; with it, it settles */
	off_t settled = sizes[3];
	ck_assert_int_eq(count_residents(st), 50);
	assert_whole(st, "after the readers");
	printf("faults: killed readers: %d rounds, data.mdb %lld kB after round 1, %lld kB after "
	       "round 4, %lld kB after round %d\n",
	       rounds, (long long)sizes[0] >> 10, (long long)settled >> 10,
	       (long long)sizes[rounds - 1] >> 10, rounds);
	fflush(stdout);
	ck_assert_msg(sizes[rounds - 1] <= settled + settled / 4,
	              "data.mdb grew from %lld to %lld bytes", (long long)settled,
	              (long long)sizes[rounds - 1]);
	store_close(st);
	testdb_rm(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");
	/* the long rounds of make check-faults take minutes */
	tcase_set_timeout(tc, 3600);
	tcase_add_test(tc, test_kill_writers);
	tcase_add_test(tc, test_kill_import);
	tcase_add_test(tc, test_disk_full);
	tcase_add_test(tc, test_map_growth);
	tcase_add_test(tc, test_stale_readers);
	tcase_add_test(tc, test_hangup);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
