/* bench/all.c: every figure of issue 7 beside its reference, measured in
 * the same run (the machine is shared and noisy: the ratio is what
 * counts), printed as a Markdown table.  Usage: bench-all [N] [OUT.md]
 * (make bench-all: N from BENCH_N, default 100,000; OUT bench/RESULTS.md,
 * whose hand-written notes after the NOTES line are kept).  Needs
 * bench-gen and bench-bare beside it and src/shegong above it; forms from
 * $SHEGONG_FORMSDIR, catalogues from $SHEGONG_LOCALEDIR.  Instructions
 * per keystroke are counted by valgrind's callgrind when it is installed:
 * search in this program run again under it (bench-all --callgrind-search
 * DB), typing in the full-screen program under it in the pty. */
#include "config.h"

#include <lmdb.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "import.h"
#include "index.h"
#include "orgunit.h"
#include "paths.h"
#include "record.h"
#include "search.h"
#include "store.h"
#include "util.h"
#include "../tests/vt.h"

#define PAGE 17
#define KEY_F3 "\033OR"
/* what bench-all writes ends before this line of OUT.md; the rest is kept */
#define NOTES "<!-- notes: written by hand, kept by bench-all -->"

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
static double
pct(double *a, int n, int p)
{
	qsort(a, n, sizeof *a, cmp_d);
	int i = n * p / 100;
	return a[i < n ? i : n - 1];
}
static void
die(const char *what, int rc)
{
	fprintf(stderr, "bench-all: %s failed (%d: %s)\n", what, rc, store_strerror(rc));
	exit(1);
}

/* --- the table ------------------------------------------------------------ */
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

/* --- set-up ----------------------------------------------------------------- */
static const char *const vnames[] = {"安宁村", "龙华村", "丙谷村", "垭口村", "草场村"};
static char *login;

/* the units, and the one running the benchmark as a township worker
 * (ctx NULL) or as the worker of the first village (ctx not NULL) */
static int
units_txn(store_txn *t, void *ctx)
{
	orgunit_add(t, "510421", "米易县", NULL);
	orgunit_add(t, "510421100", "攀莲镇", NULL);
	for (int i = 0; i < 5; i++) {
		char code[16];
		snprintf(code, sizeof code, "510421100%03d", i + 1);
		orgunit_add(t, code, vnames[i], NULL);
	}
	if (ctx)
		worker_add(t, login, "测试社工", ROLE_VILLAGE, "510421100001", NULL);
	else
		worker_add(t, login, "测试社工", ROLE_TOWNSHIP, "510421100", NULL);
	return store_txn_error(t);
}

static int saves;
static int
save_one(store *st)
{
	char id[20];
	snprintf(id, sizeof id, "51042119990101%03d", saves++ % 1000);
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "欧阳建国");
	record_set(r, "idnum", id);
	record_set(r, "village", "unit-0-0");
	record_set(r, "status", "active");
	int rc = store_save(st, r);
	record_free(r);
	return rc;
}

/* --- raw LMDB ------------------------------------------------------------------ */
static MDB_env *
raw_open(const char *dir, unsigned flags)
{
	MDB_env *env;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 16);
	mdb_env_set_mapsize(env, (size_t)16 << 30);
	int rc = mdb_env_open(env, dir, flags, 0660);
	if (rc) {
		fprintf(stderr, "raw open %s: %s\n", dir, mdb_strerror(rc));
		exit(1);
	}
	return env;
}
/* A database shegong made, opened to write with the map size its file
 * says (raw_open's 16 GB would be written into the file's meta page by
 * the first commit, and every later start of shegong on it, the start-up
 * figures' included, would then map 16 GB). */
static MDB_env *
raw_open_keep(const char *dir)
{
	MDB_env *env;
	mdb_env_create(&env);
	mdb_env_set_maxdbs(env, 16);
	int rc = mdb_env_open(env, dir, 0, 0660);
	if (!rc)
		rc = mdb_env_set_mapsize(env, 0);
	if (rc) {
		fprintf(stderr, "raw open %s: %s\n", dir, mdb_strerror(rc));
		exit(1);
	}
	return env;
}

static size_t
dbi_bytes(MDB_txn *txn, const char *name, size_t *entries)
{
	MDB_dbi d;
	MDB_stat s;
	if (mdb_dbi_open(txn, name, 0, &d) || mdb_stat(txn, d, &s))
		return 0;
	if (entries)
		*entries = s.ms_entries;
	return (s.ms_branch_pages + s.ms_leaf_pages + s.ms_overflow_pages) * (size_t)s.ms_psize;
}

/* Where the pages of the database go: *free the pages on LMDB's free
 * list, *own its meta pages and the pages of its free-list and main
 * tables, *other those of the named tables but rec, idx, audit and chg
 * (meta, draft, ...), *total_b all the pages up to the last one written.  Its return: the bytes of idx with its DUPSORT
 * sub-databases (the ID lists of keys with many records, trees of their
 * own that mdb_stat of idx does not count), found as what is left of the
 * pages up to the last one written: no page is counted twice or left
 * out. */
static size_t
idx_bytes_full(MDB_env *env, MDB_txn *txn, size_t other_tables, size_t *free_b, size_t *own_b,
               size_t *other_b, size_t *total_b)
{
	MDB_envinfo ei;
	MDB_stat s;
	mdb_env_info(env, &ei);
	mdb_stat(txn, 0, &s);   /* FREE_DBI */
	size_t psize = s.ms_psize, own = 2 + s.ms_branch_pages + s.ms_leaf_pages + s.ms_overflow_pages;
	size_t nfree = 0;
	MDB_cursor *c;
	MDB_val k, v;
	if (mdb_cursor_open(txn, 0, &c) == 0) {
		for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0; op = MDB_NEXT)
			nfree += *(size_t *)v.mv_data;   /* an IDL: its count, then its pages */
		mdb_cursor_close(c);
	}
	mdb_stat(txn, 1, &s);   /* MAIN_DBI: the names of the tables */
	own += s.ms_branch_pages + s.ms_leaf_pages + s.ms_overflow_pages;
	size_t other = 0;
	if (mdb_cursor_open(txn, 1, &c) == 0) {
		for (int op = MDB_FIRST; mdb_cursor_get(c, &k, &v, op) == 0; op = MDB_NEXT) {
			char nm[64];
			if (k.mv_size >= sizeof nm)
				continue;
			memcpy(nm, k.mv_data, k.mv_size);
			nm[k.mv_size] = '\0';
			if (!strcmp(nm, "rec") || !strcmp(nm, "idx") || !strcmp(nm, "audit") || !strcmp(nm, "chg"))
				continue;
			other += dbi_bytes(txn, nm, NULL) / psize;
		}
		mdb_cursor_close(c);
	}
	*free_b = nfree * psize;
	*own_b = own * psize;
	*other_b = other * psize;
	size_t total = (ei.me_last_pgno + 1) * psize;
	*total_b = total;
	return total - *free_b - *own_b - *other_b - other_tables;
}

/* The import's reference: what the import of kind wrote, put raw into a
 * fresh LMDB (dir) as the import puts it: the records in the order they
 * were made, 1,000 a transaction, each transaction carrying those
 * records' index entries, their change-log entries and their share of
 * the audit entries made by the import (sequence numbers after
 * audit_from, up to audit_to), every commit synced; the first max_recs
 * records of kind (those the import made, not the saves after it).  Its seconds; *n records, *value_bytes
 * the UTF-8 bytes of their values, *enc_bytes of their encodings,
 * *entries all the entries put. */
struct rawent {
	size_t batch, order;
	int table;   /* 0 rec, 1 idx, 2 chg, 3 audit */
	MDB_val k, v;
};
static int
cmp_rawent(const void *a, const void *b)
{
	const struct rawent *x = a, *y = b;
	if (x->batch != y->batch)
		return x->batch < y->batch ? -1 : 1;
	if (x->table != y->table)
		return x->table - y->table;
	return x->order < y->order ? -1 : x->order > y->order;
}
static int
cmp_key17(const void *a, const void *b)
{
	return memcmp(a, b, REC_KEYLEN);
}
static MDB_val
dupval(MDB_val v)
{
	MDB_val d = {v.mv_size, malloc(v.mv_size ? v.mv_size : 1)};
	memcpy(d.mv_data, v.mv_data, v.mv_size);
	return d;
}
/* the batch of the record whose key is k (keys: the kind's, sorted), or -1 */
static long
batch_of(const unsigned char *keys, size_t n, const MDB_val *k)
{
	if (k->mv_size != REC_KEYLEN)
		return -1;
	const unsigned char *hit = bsearch(k->mv_data, keys, n, REC_KEYLEN, cmp_key17);
	return hit ? (long)((size_t)(hit - keys) / REC_KEYLEN / 1000) : -1;
}
/* the last audit sequence number in the database at db (closed), or 0 */
static uint64_t
audit_last(const char *db)
{
	MDB_env *e = raw_open(db, MDB_RDONLY);
	MDB_txn *txn;
	MDB_dbi d;
	MDB_cursor *c;
	MDB_val k, v;
	uint64_t last = 0;
	mdb_txn_begin(e, NULL, MDB_RDONLY, &txn);
	if (mdb_dbi_open(txn, "audit", 0, &d) == 0 && mdb_cursor_open(txn, d, &c) == 0) {
		if (mdb_cursor_get(c, &k, &v, MDB_LAST) == 0 && k.mv_size == 8)
			last = be_get64(k.mv_data);
		mdb_cursor_close(c);
	}
	mdb_txn_abort(txn);
	mdb_env_close(e);
	return last;
}
static double
raw_import(const char *db, int kind, uint64_t audit_from, uint64_t audit_to, size_t max_recs,
           const char *dir, size_t *n, size_t *value_bytes, size_t *enc_bytes, size_t *entries)
{
	MDB_env *src = raw_open(db, MDB_RDONLY);
	MDB_txn *txn;
	MDB_dbi drec, didx, dchg, daud;
	MDB_cursor *c;
	MDB_val k, v;
	mdb_txn_begin(src, NULL, MDB_RDONLY, &txn);
	mdb_dbi_open(txn, "rec", 0, &drec);
	mdb_dbi_open(txn, "idx", 0, &didx);
	bool have_chg = mdb_dbi_open(txn, "chg", 0, &dchg) == 0;
	bool have_aud = mdb_dbi_open(txn, "audit", 0, &daud) == 0;
	struct rawent *e = NULL;
	size_t ne = 0, cap = 0;
#define ADD(T, B, K, V)                                                                        \
	do {                                                                                       \
		if (ne == cap)                                                                         \
			e = realloc(e, (cap = cap ? cap * 2 : 65536) * sizeof *e);                         \
		e[ne] = (struct rawent){(size_t)(B), ne, (T), dupval(K), dupval(V)};                   \
		ne++;                                                                                  \
	} while (0)
	/* the records of kind, in key (= creation) order */
	unsigned char *keys = NULL;
	size_t nk = 0;
	*value_bytes = *enc_bytes = 0;
	unsigned char first = (unsigned char)kind;
	k = (MDB_val){1, &first};
	mdb_cursor_open(txn, drec, &c);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && ((unsigned char *)k.mv_data)[0] == kind && nk < max_recs;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		keys = realloc(keys, (nk + 1) * REC_KEYLEN);
		memcpy(keys + nk * REC_KEYLEN, k.mv_data, REC_KEYLEN);
		ADD(0, nk / 1000, k, v);
		*enc_bytes += v.mv_size;
		rec_id id;
		record *r;
		rec_id_from_key(k.mv_data, &id);
		if (record_decode(v.mv_data, v.mv_size, &id, &r) == 0) {
			for (size_t i = 0; i < r->nfields; i++)
				*value_bytes += strlen(r->fields[i].value);
			record_free(r);
		}
		nk++;
	}
	mdb_cursor_close(c);
	size_t nb = nk / 1000 + 1;
	/* their index entries (the value is the record's key) */
	mdb_cursor_open(txn, didx, &c);
	for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0; rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		long b = batch_of(keys, nk, &v);
		if (b >= 0)
			ADD(1, b, k, v);
	}
	mdb_cursor_close(c);
	/* their change-log entries: number -> record, record -> number */
	if (have_chg) {
		mdb_cursor_open(txn, dchg, &c);
		for (int rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
		     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
			long b = batch_of(keys, nk, ((unsigned char *)k.mv_data)[0] == 0 ? &v : &k);
			if (b >= 0)
				ADD(2, b, k, v);
		}
		mdb_cursor_close(c);
	}
	/* the audit entries the import made, shared out in order */
	if (have_aud) {
		size_t first_a = ne, na = 0;
		unsigned char from[8];
		be_put64(from, audit_from + 1);
		k = (MDB_val){8, from};
		mdb_cursor_open(txn, daud, &c);
		for (int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
		     rc == 0 && k.mv_size == 8 && be_get64(k.mv_data) <= audit_to;
		     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT), na++)
			ADD(3, 0, k, v);
		mdb_cursor_close(c);
		for (size_t i = 0; i < na; i++)
			e[first_a + i].batch = i * nb / na;
	}
	mdb_txn_abort(txn);
	mdb_env_close(src);
	free(keys);
	qsort(e, ne, sizeof *e, cmp_rawent);

	mkdir(dir, 0700);
	MDB_env *raw = raw_open(dir, 0);
	MDB_dbi d[4];
	int rc;
	double r0 = now_us();
	for (size_t i = 0; i < ne;) {
		mdb_txn_begin(raw, NULL, 0, &txn);
		mdb_dbi_open(txn, "rec", MDB_CREATE, &d[0]);
		/* the index as shegong makes it (store.c, store_index_flush):
		 * a key's records a packed array, each put on its end where
		 * it is past the others */
		mdb_dbi_open(txn, "idx", MDB_CREATE | MDB_DUPSORT | MDB_DUPFIXED, &d[1]);
		mdb_dbi_open(txn, "chg", MDB_CREATE, &d[2]);
		mdb_dbi_open(txn, "audit", MDB_CREATE, &d[3]);
		size_t b = e[i].batch;
		for (; i < ne && e[i].batch == b; i++) {
			unsigned fl = e[i].table == 1 ? MDB_APPENDDUP | MDB_NODUPDATA : 0;
			rc = mdb_put(txn, d[e[i].table], &e[i].k, &e[i].v, fl);
			if (rc == MDB_KEYEXIST && fl)
				rc = mdb_put(txn, d[e[i].table], &e[i].k, &e[i].v, 0);
			if (rc)
				die("raw put", rc);
		}
		if ((rc = mdb_txn_commit(txn)))
			die("raw commit", rc);
	}
	double dt = (now_us() - r0) / 1e6;
	mdb_env_close(raw);
	for (size_t i = 0; i < ne; i++) {
		free(e[i].k.mv_data);
		free(e[i].v.mv_data);
	}
	free(e);
	*n = nk;
	*entries = ne;
	return dt;
#undef ADD
}

/* --- children, started from this process without copying it ------------------- */
extern char **environ;

/* Run argv (posix_spawn: the child does not copy this process's memory)
 * with its standard output in the file out; its wall-clock seconds, or
 * -1 when it failed. */
static double
run_child(char *const argv[], const char *out)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	pid_t pid;
	double t0 = now_us();
	int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	int status = 0;
	if (rc != 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench-all: %s %s failed (%s)\n", argv[0], argv[1] ? argv[1] : "",
		        rc ? strerror(rc) : "its exit status");
		return -1;
	}
	return (now_us() - t0) / 1e6;
}
/* the number after "key " in a child's output file, or -1; nth (0, 1, 2)
 * picks the number on the line */
static double
kv(const char *out, const char *key, int nth)
{
	FILE *f = fopen(out, "r");
	char line[512];
	double v[3] = {-1, -1, -1};
	size_t kl = strlen(key);
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			sscanf(line + kl, "%lf %lf %lf", &v[0], &v[1], &v[2]);
			break;
		}
	if (f)
		fclose(f);
	return v[nth];
}
static double
median3(const double *a)
{
	double x[3] = {a[0], a[1], a[2]};
	qsort(x, 3, sizeof *x, cmp_d);
	return x[1];
}
static double
min3(const double *a)
{
	return a[0] < a[1] ? (a[0] < a[2] ? a[0] : a[2]) : (a[1] < a[2] ? a[1] : a[2]);
}
static double
max3(const double *a)
{
	return a[0] > a[1] ? (a[0] > a[2] ? a[0] : a[2]) : (a[1] > a[2] ? a[1] : a[2]);
}
static long
self_hwm(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}
/* bytes of the file at path, or 0 */
static size_t
file_bytes(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (size_t)sb.st_size : 0;
}

/* --- the queries, keystroke by keystroke ------------------------------------------- */
static const struct {
	const char *typed[6];
	int idx;
	const char *by;
} words[] = {
	{{"w", "wj", "wjg"}, IDX_PINYIN, "pinyin initials"},
	{{"z", "zx", "zxy"}, IDX_PINYIN, "pinyin initials"},
	{{"王", "王建", "王建国"}, IDX_NAME, "name"},
	{{"𠮷", "𠮷秀"}, IDX_NAME, "name (rare, outside the BMP)"},
	{{"5104", "510421", "51042119", "5104211950"}, IDX_IDNUM, "ID number prefix"},
};
#define NW (sizeof words / sizeof *words)
enum { REPS = 200, CG_REPS = 10 };
static double s_t[NW][6][REPS], r_t[NW][6][REPS], g_t[NW][6][REPS];

/* One keystroke of search as the list screen does it: a page of 17 rows,
 * records fetched and decoded. */
static void
search_once(store *st, const char *typed)
{
	record *pg[PAGE];
	size_t got = 0;
	struct search_query q = {.kind = REC_RESIDENT, .text = typed};
	struct search_pos pos;
	memset(&pos, 0, sizeof pos);
	int rc = search_page(st, &q, &pos, pg, PAGE, &got);
	if (rc)
		die("search", rc);
	for (size_t i = 0; i < got; i++)
		record_free(pg[i]);
}

/* The reference: a raw cursor from idx(1) kind(1) prefix over the same
 * index entries, 17 read (keys and values), in its own read transaction;
 * with fetch, each entry's record is also read from rec (mdb_get, not
 * decoded): the second reference, what a page costs LMDB alone.
 * Not inlined: callgrind counts it by name. */
__attribute__((noinline)) static size_t
raw_walk(MDB_env *raw, int idx, const char *typed, bool fetch)
{
	unsigned char kb[512];
	size_t pl = strlen(typed);
	kb[0] = (unsigned char)idx;
	kb[1] = REC_RESIDENT;
	memcpy(kb + 2, typed, pl);
	MDB_txn *txn;
	MDB_dbi dbi, rec = 0;
	MDB_cursor *cur;
	mdb_txn_begin(raw, NULL, MDB_RDONLY, &txn);
	mdb_dbi_open(txn, "idx", 0, &dbi);
	if (fetch)
		mdb_dbi_open(txn, "rec", 0, &rec);
	mdb_cursor_open(txn, dbi, &cur);
	MDB_val key = {pl + 2, kb}, data, val;
	int got = 0, rc;
	size_t sum = 0;
	for (rc = mdb_cursor_get(cur, &key, &data, MDB_SET_RANGE);
	     rc == 0 && got < PAGE && key.mv_size >= pl + 2 && !memcmp(key.mv_data, kb, pl + 2);
	     rc = mdb_cursor_get(cur, &key, &data, MDB_NEXT), got++) {
		sum += ((unsigned char *)data.mv_data)[0];
		if (fetch && mdb_get(txn, rec, &data, &val) == 0)
			sum += val.mv_size;
	}
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return sum;
}

/* --- callgrind ---------------------------------------------------------------------- */
static char valgrind[PATH_MAX];

/* valgrind's path, or false when it is not installed */
static bool
find_valgrind(void)
{
	FILE *p = popen("command -v valgrind 2>/dev/null", "r");
	if (!p)
		return false;
	bool ok = fgets(valgrind, sizeof valgrind, p) != NULL;
	pclose(p);
	valgrind[strcspn(valgrind, "\n")] = '\0';
	return ok && valgrind[0] == '/';
}

/* callgrind dumps its counts after each call of this (--dump-after) */
__attribute__((noinline)) static void
cg_mark(void)
{
	__asm__ volatile("");
}

/* The instructions one callgrind output file counted ("totals:"), or -1. */
static double
cg_total(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	double total = -1, v;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "totals: %lf", &v) == 1 || (total < 0 && sscanf(line, "summary: %lf", &v) == 1))
			total = v;
	if (f)
		fclose(f);
	return total;
}

/* When callgrind failed: the end of its log on stderr (the folder goes). */
static void
cg_failed(const char *what, const char *log)
{
	char cmd[PATH_MAX + 64];
	fprintf(stderr, "bench-all: callgrind did not count %s; the end of %s:\n", what, log);
	snprintf(cmd, sizeof cmd, "tail -n 15 '%s' >&2", log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

/* bench-all --callgrind-search DB: run under callgrind with
 * --toggle-collect=search_page --toggle-collect=raw_walk
 * --dump-after=cg_mark, so that dump k counts word group k's keystrokes
 * (CG_REPS each) in search_page, dump NW + k the raw cursor's and dump
 * 2 NW + k the raw cursor's with the records fetched. */
static int
callgrind_search(const char *db)
{
	store *st;
	int rc = store_open(&st, db, 0);
	if (rc)
		die("open", rc);
	for (size_t w = 0; w < NW; w++) {
		for (int k = 0; k < 6 && words[w].typed[k]; k++)
			for (int r = 0; r < CG_REPS; r++)
				search_once(st, words[w].typed[k]);
		cg_mark();
	}
	store_close(st);
	MDB_env *raw = raw_open(db, MDB_RDONLY);
	size_t sum = 0;
	for (int fetch = 0; fetch < 2; fetch++)
		for (size_t w = 0; w < NW; w++) {
			for (int k = 0; k < 6 && words[w].typed[k]; k++)
				for (int r = 0; r < CG_REPS; r++)
					sum += raw_walk(raw, words[w].idx, words[w].typed[k], fetch);
			cg_mark();
		}
	mdb_env_close(raw);
	return sum == (size_t)-1;
}

/* Instructions per keystroke of search, by word group, of the raw
 * cursor and of the raw cursor fetching the records: false when
 * callgrind did not run. */
static bool
cg_search(const char *self, const char *db, const char *dir, double *srch, double *walk,
          double *fetch)
{
	char cmd[6 * PATH_MAX], out[PATH_MAX];
	snprintf(out, sizeof out, "%s/cg-search.out", dir);
	snprintf(cmd, sizeof cmd,
	         "'%s' --tool=callgrind --callgrind-out-file='%s' --toggle-collect=search_page "
	         "--toggle-collect=raw_walk --dump-after=cg_mark --log-file='%s/cg-search.log' "
	         "'%s' --callgrind-search '%s'",
	         valgrind, out, dir, self, db);
	snprintf(out + strlen(out) - 4, 5, ".log");
	if (system(cmd) != 0) {
		cg_failed("search", out);
		return false;
	}
	snprintf(out + strlen(out) - 4, 5, ".out");
	for (size_t w = 0; w < 3 * NW; w++) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s.%zu", out, w + 1);
		int keys = 0;
		while (keys < 6 && words[w % NW].typed[keys])
			keys++;
		double t = cg_total(path);
		if (t < 0) {
			fprintf(stderr, "bench-all: callgrind wrote no %s\n", path);
			return false;
		}
		(w < NW ? srch : w < 2 * NW ? walk : fetch)[w % NW] = t / (keys * CG_REPS);
	}
	return true;
}

/* --- the pty ----------------------------------------------------------------------- */
static char bin[PATH_MAX], bare[PATH_MAX], gen[PATH_MAX], menu[PATH_MAX];
static char *const env[] = {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL};
static const char *const name[] = {"司", "马", "诸", "葛", "欧", "阳", "上", "官", "建", "国"};

/* the pid of our one child, from /proc; -1 when none */
static int
child_pid(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "r");
	int pid = -1;
	if (f && fscanf(f, "%d", &pid) != 1)
		pid = -1;
	if (f)
		fclose(f);
	return pid;
}

/* the peak RSS (kB) of our one child, from /proc */
static long
child_hwm(void)
{
	char path[64], buf[4096];
	int pid = child_pid();
	if (pid < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long kb = -1;
	while (fgets(buf, sizeof buf, f))
		if (sscanf(buf, "VmHWM: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}
/* the page faults (minor: a page of the program, a library, the heap or
 * the database's map met for the first time) of our one child so far,
 * from /proc; -1 when unknown */
static long
child_faults(void)
{
	char path[64], buf[1024];
	int pid = child_pid();
	if (pid < 0)
		return -1;
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	long minflt = -1;
	if (fgets(buf, sizeof buf, f)) {
		/* after the name in brackets: state ppid pgrp session tty_nr
		 * tpgid flags minflt */
		char *p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %ld", &minflt) != 1)
			minflt = -1;
	}
	fclose(f);
	return minflt;
}

static void
quit(vt *t, const char *keys)
{
	vt_send_raw(t, keys, strlen(keys));
	int status;
	vt_wait_exit(t, 3000, &status);
	vt_free(t);
}

static double
start_once(char *const argv[], long *hwm, long *faults)
{
	double t0 = now_us();
	vt *t = vt_spawn(argv, env, 24, 80, "UTF-8");
	if (!t || !vt_wait_text(t, "居民", 20000)) {
		fprintf(stderr, "bench-all: %s did not draw its home screen\n", argv[0]);
		if (t)
			vt_dump(t);
		exit(1);
	}
	double dt = now_us() - t0;
	if (faults)
		*faults = child_faults();
	vt_pump(t, 300);
	if (hwm)
		*hwm = child_hwm();
	quit(t, argv[0] == bare ? "q" : "\033[21~");
	return dt;
}

/* --- bytes to the terminal, task by task ------------------------------------------ */

/* A village worker's walk, each task's bytes counted apart, on a UTF-8
 * and on a GB18030 terminal (TERM=xterm, 80x24). */
enum { W_START, W_LIST, W_KEY1, W_KEY2, W_KEY3, W_RECORD, W_FORM, W_TYPE, W_SAVE, W_TASKS };
static const char *const wire_task[W_TASKS] = {
	"start-up to the home screen drawn",
	"the resident list opened (1 on the home menu)",
	"search keystroke 1: \"w\"",
	"search keystroke 2: \"j\" (\"wj\")",
	"search keystroke 3: \"g\" (\"wjg\")",
	"a record opened (Enter on the first row)",
	"a form opened (F3 in the list)",
	"a ten-character Chinese name typed (10 keys)",
	"the save (F2), until \"已登记\"",
};
static const char *const w_sur[] = {"王", "吴", "魏", "汪", "万", "李", "张", "刘", "陈", "杨", "黄", "周", "赵"};
static const char *const w_mid[] = {"建", "家", "小", "文", "玉", "志", "国", "秀"};
static const char *const w_end[] = {"国", "华", "军", "平", "明", "英", "芳", "兰", "强", "林", "伟", "刚"};
enum { WALK_RESIDENTS = 400 };

/* the walk's residents, in the first village, every column of the list
 * filled (name, sex, ID number and so the age, group, categories) */
static int
walk_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	record *u = NULL;
	int rc = orgunit_by_code(t, "510421100001", &u);
	if (rc)
		return rc;
	char village[REC_ID_TEXTMAX];
	rec_id_format(&u->id, village);
	record_free(u);
	static const char *const cats[] = {"dibao", "elder_alone", "veteran", "dibao,elder_alone"};
	for (int i = 0; i < WALK_RESIDENTS; i++) {
		char nm[32], idn[32], group[8];
		snprintf(nm, sizeof nm, "%s%s%s", w_sur[i % NELEM(w_sur)],
		         w_mid[i / NELEM(w_sur) % NELEM(w_mid)],
		         w_end[i / (NELEM(w_sur) * NELEM(w_mid)) % NELEM(w_end)]);
		snprintf(idn, sizeof idn, "5104211%03d%02d%02d%03d%c", 940 + i % 70, i % 12 + 1, i % 28 + 1,
		         i % 1000, "0123456789X"[i % 11]);
		snprintf(group, sizeof group, "%d", i % 8 + 1);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", nm);
		record_set(r, "idnum", idn);
		record_set(r, "sex", i % 2 ? "f" : "m");
		record_set(r, "village", village);
		record_set(r, "group", group);
		record_set(r, "categories", cats[i % NELEM(cats)]);
		record_set(r, "status", "active");
		store_put(t, r);
		record_free(r);
		if ((rc = store_txn_error(t)))
			return rc;
	}
	return 0;
}

/* Wait until row 1 (the search box) shows "： " and what was typed. */
static bool
wait_query(vt *t, const char *typed, int ms)
{
	char want[64];
	snprintf(want, sizeof want, "： %s", typed);
	for (int waited = 0; waited <= ms; waited += 50) {
		const char *r = vt_row(t, 1);
		if (r && strstr(r, want)) {
			const char *after = strstr(r, want) + strlen(want);
			if (*after == ' ' || *after == '\0')
				return true;
		}
		vt_pump(t, 50);
	}
	return false;
}

/* The walk on db (a village worker's, with residents) on a terminal of
 * encoding enc (0 UTF-8, 1 GB18030): each task's bytes into b.  False
 * (with the screen dumped) when a task's screen never showed. */
/* What a screen change needs at least: for each row that changed, the
 * text from its first changed character to its last in the terminal's
 * encoding (GB18030: 2 bytes a Chinese character; UTF-8: 3), and 6
 * bytes to move the cursor there (ESC [ row ; col H).  Text only: a
 * change of colour or reverse video alone is not counted. */
static size_t
span_bytes(const char *a, const char *b, int enc)
{
	/* skip the common start and the common end, by whole characters */
	size_t la = strlen(a), lb = strlen(b), i = 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	while (i > 0 && ((unsigned char)b[i] & 0xC0) == 0x80)
		i--;
	size_t ea = la, eb = lb;
	while (ea > i && eb > i && a[ea - 1] == b[eb - 1])
		ea--, eb--;
	while (eb < lb && ((unsigned char)b[eb] & 0xC0) == 0x80)
		eb++;
	if (i == la && i == lb)
		return 0;
	size_t bytes = 6;
	for (size_t j = i; j < eb; j++) {
		unsigned char c = (unsigned char)b[j];
		if (c < 0x80)
			bytes++;
		else if ((c & 0xC0) != 0x80)
			bytes += enc ? 2 : (c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2);
	}
	if (eb == i && ea > i)
		bytes += 3;   /* text removed: an erase to the end of the line */
	return bytes;
}
static size_t
screen_change(vt *t, char rows[24][512], int enc)
{
	size_t sum = 0;
	for (int r = 0; r < 24; r++) {
		const char *now = vt_row(t, r);
		sum += span_bytes(rows[r], now ? now : "", enc);
	}
	return sum;
}
static void
screen_keep(vt *t, char rows[24][512])
{
	for (int r = 0; r < 24; r++) {
		const char *now = vt_row(t, r);
		snprintf(rows[r], 512, "%s", now ? now : "");
	}
}

static bool
wire_walk(const char *db, int enc, size_t b[W_TASKS], size_t changed[3])
{
	static char *const envs[2][5] = {
		{"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", "TERM=xterm", NULL},
		{"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", "TERM=xterm", NULL},
	};
	char *argv[] = {bin, "--db", (char *)db, NULL};
	vt *t = vt_spawn(argv, envs[enc], 24, 80, enc ? "GB18030" : "UTF-8");
	if (!t)
		return false;
	size_t b0 = 0;
	int task = 0;
	bool ok = true;
	/* each task ends when its screen shows and the program is quiet */
#define TASK(seen)                                \
	do {                                          \
		if (ok && !(ok = (seen)))                 \
			fprintf(stderr, "bench-all: wire task %d (%s) never showed\n", task, wire_task[task]); \
		vt_pump(t, 300);                          \
		size_t now_b = vt_bytes_received(t);      \
		b[task++] = now_b - b0;                   \
		b0 = now_b;                               \
	} while (0)
	TASK(vt_wait_text(t, "居民", 20000));
	vt_type(t, "1");
	TASK(vt_wait_text(t, "查找", 20000));
	static const char *const q[] = {"w", "wj", "wjg"};
	static char rows[24][512];
	for (int k = 0; k < 3; k++) {
		screen_keep(t, rows);
		vt_type(t, q[k] + k);
		TASK(wait_query(t, q[k], 20000));
		changed[k] = screen_change(t, rows, enc);
	}
	vt_send_raw(t, "\r", 1);
	TASK(vt_wait_gone(t, "查找", 20000));
	/* back to the list (not counted) */
	vt_send_raw(t, "\033[21~", 5);
	ok = ok && vt_wait_text(t, "查找", 20000);
	vt_pump(t, 300);
	b0 = vt_bytes_received(t);
	vt_send_raw(t, KEY_F3, strlen(KEY_F3));
	TASK(vt_wait_text(t, "住址", 20000));
	char typed[64] = "";
	bool seen = true;
	for (int i = 0; i < 10; i++) {
		vt_type(t, name[i]);
		strcat(typed, name[i]);
		seen = seen && vt_wait_text(t, typed, 20000);
	}
	TASK(seen);
	vt_send_raw(t, "\033OQ", 3);
	TASK(vt_wait_text(t, "已登记", 20000));
#undef TASK
	if (!ok)
		vt_dump(t);
	quit(t, "\033\033\033\033[21~");
	return ok;
}

/* The full-screen program under callgrind, counting the text handler of
 * the form (form_text), the form drawn again (form_switch_draw) and
 * ncurses' update of the terminal (wrefresh), dumped before each key
 * reaches form_text: dumps 2 to 10 are keys 1 to 9, each with its
 * redraw.  Instructions per key (mean of the 9), or -1. */
static double
cg_typing(const char *db, const char *dir, double *lo, double *hi)
{
	char out[PATH_MAX], log[PATH_MAX], o1[PATH_MAX + 32], o2[PATH_MAX + 32];
	snprintf(out, sizeof out, "%s/cg-typing.out", dir);
	snprintf(log, sizeof log, "%s/cg-typing.log", dir);
	snprintf(o1, sizeof o1, "--callgrind-out-file=%s", out);
	snprintf(o2, sizeof o2, "--log-file=%s", log);
	char *argv[] = {valgrind, "--tool=callgrind", o1, o2, "--toggle-collect=form_text",
	                "--toggle-collect=form_switch_draw", "--toggle-collect=wrefresh",
	                "--dump-before=form_text", bin, "--db", (char *)db, NULL};
	vt *t = vt_spawn(argv, env, 24, 80, "UTF-8");
	bool ok = t && vt_wait_text(t, "居民", 120000);
	if (ok) {
		vt_type(t, "1");
		ok = vt_wait_text(t, "查找", 60000);
	}
	if (ok) {
		vt_send_raw(t, KEY_F3, strlen(KEY_F3));
		ok = vt_wait_text(t, "住址", 60000);
	}
	char typed[64] = "";
	for (int i = 0; ok && i < 10; i++) {
		vt_type(t, name[i]);
		strcat(typed, name[i]);
		ok = vt_wait_text(t, typed, 60000);
	}
	if (t) {
		vt_kill(t, SIGTERM);
		int status;
		vt_wait_exit(t, 60000, &status);
		vt_free(t);
	}
	if (!ok) {
		cg_failed("typing", log);
		return -1;
	}
	double sum = 0;
	*lo = 1e300;
	*hi = 0;
	for (int k = 2; k <= 10; k++) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof path, "%s.%d", out, k);
		double v = cg_total(path);
		if (v < 0) {
			cg_failed("typing", log);
			return -1;
		}
		sum += v;
		if (v < *lo)
			*lo = v;
		if (v > *hi)
			*hi = v;
	}
	return sum / 9;
}

/* OUT.md's hand-written notes (from the NOTES line), or "" */
static char *
kept_notes(const char *out)
{
	FILE *f = fopen(out, "r");
	char *all = NULL;
	size_t len = 0;
	if (f) {
		char buf[65536];
		size_t n;
		while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
			char *p = realloc(all, len + n + 1);
			if (!p)
				break;
			all = p;
			memcpy(all + len, buf, n);
			len += n;
			all[len] = '\0';
		}
		fclose(f);
	}
	char *notes = all ? strstr(all, NOTES) : NULL;
	char *kept = strdup(notes ? notes : NOTES "\n");
	free(all);
	return kept;
}

static double
import_one(store *st, const char *path, struct import_opts *o, size_t want, const char *what)
{
	struct import_result res;
	char msg[1024];
	printf("importing %s ...\n", what);
	double i0 = now_us();
	int rc = import_file(st, path, o, &res, msg, sizeof msg);
	double dt = (now_us() - i0) / 1e6;
	if (rc != IMPORT_OK || (want && res.imported != want) || res.bad) {
		fprintf(stderr, "import %s: %d %s (%zu imported, %zu bad)\n", what, rc, msg, res.imported,
		        res.bad);
		exit(1);
	}
	printf("  %zu in %.1f s\n", res.imported, dt);
	return dt;
}

/* bench-all --import DB CSV: what `shegong import resident` does, in a
 * process of its own (whole-process time and peak memory, as the
 * SQLite peer's): a new database with the five villages, the residents
 * imported (audited); its pages in use and compacted; then SAVES saves
 * of a new resident, each synced.  "key value" lines on stdout. */
enum { SAVES = 40 };
static int
child_import(const char *db, const char *csv, const struct formset *fs)
{
	store *st;
	int rc;
	if ((rc = store_open(&st, db, STORE_CREATE)) || (rc = store_write(st, units_txn, NULL)))
		die("making the database", rc);
	audit_attach(st);
	store_set_user(st, login);
	struct form_env fenv = {login, NULL, "2026-03-15", false, 0, NULL};
	struct import_opts o = {.kind = REC_RESIDENT, .fs = fs, .env = &fenv};
	double imp_s = import_one(st, csv, &o, 0, "the residents");
	store_close(st);
	/* the peak when the import ends, before the copy and the searches
	 * below read the whole file through the map (those pages are the
	 * file's, counted in VmHWM too) */
	printf("import_s %.3f\naudit_last %llu\nimport_hwm_kb %ld\n", imp_s,
	       (unsigned long long)audit_last(db), self_hwm());
	/* pages in use after the import */
	MDB_env *raw = raw_open(db, MDB_RDONLY);
	MDB_envinfo ei;
	MDB_stat ms;
	mdb_env_info(raw, &ei);
	mdb_env_stat(raw, &ms);
	mdb_env_close(raw);
	printf("bytes %zu\n", (ei.me_last_pgno + 1) * (size_t)ms.ms_psize);
	/* the saves before the compacting copy, in the SQLite peer's order
	 * (its saves come before its VACUUM): neither peer's saves follow a
	 * copy of the whole file written just before them */
	if ((rc = store_open(&st, db, 0)))
		die("open", rc);
	audit_attach(st);
	store_set_user(st, login);
	double sv[SAVES];
	for (int i = 0; i < SAVES; i++) {
		double a = now_us();
		if ((rc = save_one(st)))
			die("save", rc);
		sv[i] = now_us() - a;
	}
	store_close(st);
	/* the save's reference, in the same file right after them: one raw
	 * put and synced commit of a 200-byte value, SAVES times, its table
	 * dropped after (the disk's pace moves between minutes, so the
	 * reference is taken where and when the saves were) */
	double rv[SAVES];
	raw = raw_open_keep(db);
	MDB_txn *txn;
	MDB_dbi dbi;
	for (int i = 0; i < SAVES; i++) {
		double a = now_us();
		if ((rc = mdb_txn_begin(raw, NULL, 0, &txn)) ||
		    (rc = mdb_dbi_open(txn, "bench", MDB_CREATE, &dbi)))
			die("raw save", rc);
		unsigned char key[8] = {0, 0, 0, 0, 0, 0, 0, (unsigned char)i};
		unsigned char val[200] = {1};
		MDB_val k = {sizeof key, key}, v = {sizeof val, val};
		if ((rc = mdb_put(txn, dbi, &k, &v, 0)) || (rc = mdb_txn_commit(txn)))
			die("raw save", rc);
		rv[i] = now_us() - a;
	}
	if ((rc = mdb_txn_begin(raw, NULL, 0, &txn)) || (rc = mdb_dbi_open(txn, "bench", 0, &dbi)) ||
	    (rc = mdb_drop(txn, dbi, 1)) || (rc = mdb_txn_commit(txn)))
		die("raw save", rc);
	mdb_env_close(raw);
	/* the file mdb_copy -c would write */
	raw = raw_open(db, MDB_RDONLY);
	char cdir[PATH_MAX], cfile[PATH_MAX + 16];
	snprintf(cdir, sizeof cdir, "%s-compact", db);
	snprintf(cfile, sizeof cfile, "%s/data.mdb", cdir);
	mkdir(cdir, 0700);
	rc = mdb_env_copy2(raw, cdir, MDB_CP_COMPACT);
	printf("bytes_compacted %zu\n", rc ? 0 : file_bytes(cfile));
	mdb_env_close(raw);
	unlink(cfile);
	snprintf(cfile, sizeof cfile, "%s/lock.mdb", cdir);
	unlink(cfile);
	rmdir(cdir);
	printf("save_ms %.3f\nraw_save_ms %.3f\nhwm_kb %ld\n", pct(sv, SAVES, 50) / 1e3,
	       pct(rv, SAVES, 50) / 1e3, self_hwm());
	return 0;
}

/* bench-all --startup DB MENU: start-up timed from this small process
 * (not from bench-all, which holds the imports in memory and whose every
 * fork copies that): the home screen shegong draws captured into MENU,
 * then STARTS starts of bench-bare drawing it and of shegong, each to
 * its home screen, alternating.  "key value" lines on stdout. */
static int
child_startup(const char *db)
{
	char *sargv[] = {bin, "--db", (char *)db, NULL};
	vt *t = vt_spawn(sargv, env, 24, 80, "UTF-8");
	if (!t || !vt_wait_text(t, "居民", 20000))
		return 1;
	vt_pump(t, 500);
	FILE *mf = fopen(menu, "w");
	if (!mf)
		return 1;
	fputs(vt_screen(t), mf);
	fputc('\n', mf);
	fclose(mf);
	size_t home_bytes = vt_bytes_received(t);
	quit(t, "\033[21~");
	char *bargv[] = {bare, menu, NULL};
	enum { STARTS = 21 };
	double st_s[STARTS], st_b[STARTS], pf_s[STARTS], pf_b[STARTS];
	long hwm_s = 0, hwm_b = 0, h, pf;
	for (int i = 0; i < STARTS; i++) {
		st_b[i] = start_once(bargv, &h, &pf);
		pf_b[i] = (double)pf;
		if (h > hwm_b)
			hwm_b = h;
		st_s[i] = start_once(sargv, &h, &pf);
		pf_s[i] = (double)pf;
		if (h > hwm_s)
			hwm_s = h;
	}
	printf("starts %d\nstart_ms %.2f\nbare_ms %.2f\nfaults_s %.0f\nfaults_b %.0f\nhwm_s %ld\nhwm_b "
	       "%ld\nhome_bytes %zu\nparent_kb %ld\n",
	       STARTS, pct(st_s, STARTS, 50) / 1e3, pct(st_b, STARTS, 50) / 1e3, pct(pf_s, STARTS, 50),
	       pct(pf_b, STARTS, 50), hwm_s, hwm_b, home_bytes,
	       self_hwm());
	return 0;
}

/* bench-all --wire DIR: the walk alone (bytes to the terminal, task by
 * task), in a new database in DIR; "task encoding bytes" lines. */
static int
child_wire(const char *dir)
{
	store *st;
	int rc;
	if ((rc = store_open(&st, dir, STORE_CREATE)) || (rc = store_write(st, units_txn, (void *)dir)) ||
	    (rc = store_write(st, walk_txn, NULL)))
		die("making the walk's database", rc);
	store_close(st);
	for (int e = 0; e < 2; e++) {
		size_t b[W_TASKS] = {0}, ch[3] = {0};
		bool ok = wire_walk(dir, e, b, ch);
		for (int k = 0; k < W_TASKS; k++)
			printf("%s\t%s\t%zu\n", wire_task[k], e ? "GB18030" : "UTF-8", b[k]);
		if (!ok)
			return 1;
	}
	return 0;
}

/* "1.23 (1.10-1.40)": the median of three runs and their range */
static const char *
m3(char *buf, size_t size, const double *a, const char *fmt)
{
	char x[32], y[32], z[32];
	snprintf(x, sizeof x, fmt, median3(a));
	snprintf(y, sizeof y, fmt, min3(a));
	snprintf(z, sizeof z, fmt, max3(a));
	snprintf(buf, size, "%s (%s-%s)", x, y, z);
	return buf;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--callgrind-search") == 0)
		return callgrind_search(argv[2]);
	char selfexe[PATH_MAX - 64], self[PATH_MAX - 64];
	ssize_t sl = readlink("/proc/self/exe", selfexe, sizeof selfexe - 1);
	selfexe[sl > 0 ? sl : 0] = '\0';
	memcpy(self, selfexe, sizeof self);
	*strrchr(self, '/') = '\0';   /* .../bench */
	char sqlite[PATH_MAX];
	snprintf(bin, sizeof bin, "%s/../src/shegong", self);
	snprintf(bare, sizeof bare, "%s/bench-bare", self);
	snprintf(gen, sizeof gen, "%s/bench-gen", self);
	snprintf(sqlite, sizeof sqlite, "%s/bench-sqlite", self);
	if (argc == 4 && strcmp(argv[1], "--startup") == 0) {
		snprintf(menu, sizeof menu, "%s", argv[3]);
		return child_startup(argv[2]);
	}
	long n = 100000;
	if (argc > 1) {
		char *end;
		n = strtol(argv[1], &end, 10);
		bool mode = argc == 4 && strcmp(argv[1], "--import") == 0;
		mode = mode || (argc == 3 && strcmp(argv[1], "--wire") == 0);
		if (!mode && (argc > 3 || *end || end == argv[1] || n <= 0)) {
			/* --help, a typo or a word: say how, and start no run (a
			 * run writes OUT and takes minutes) */
			fprintf(stderr,
			        "usage: bench-all [N] [OUT.md]   every figure beside its reference, N residents\n"
			        "       bench-all --import DB CSV\n"
			        "       bench-all --startup DB MENU\n"
			        "       bench-all --wire DIR\n"
			        "       bench-all --callgrind-search DB\n"
			        "bench/README.md says what each prints.\n");
			return strcmp(argv[1], "--help") == 0 ? 0 : 2;
		}
	}
	const char *out = argc > 2 ? argv[2] : "bench/RESULTS.md";
	login = paths_login();
	const char *fdir = getenv("SHEGONG_FORMSDIR");
	struct form_error ferr;
	struct formset *fs = formset_load(fdir && *fdir ? fdir : "forms", &ferr);
	if (!fs) {
		fprintf(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		return 1;
	}
	if (argc == 4 && strcmp(argv[1], "--import") == 0)
		return child_import(argv[2], argv[3], fs);
	if (argc == 3 && strcmp(argv[1], "--wire") == 0)
		return child_wire(argv[2]);
	const struct form *care = formset_find(fs, "service_care");
	if (!care) {
		fprintf(stderr, "bench-all: no service_care form\n");
		return 1;
	}
	bool have_sqlite = access(sqlite, X_OK) == 0;
	char dir[] = "/tmp/bench-all-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char csv[300], ncsv[300], scsv[300], db[300], rawdir[300], cout[320], cmd[PATH_MAX + 1000];
	snprintf(csv, sizeof csv, "%s/residents.csv", dir);
	snprintf(ncsv, sizeof ncsv, "%s/needs.csv", dir);
	snprintf(scsv, sizeof scsv, "%s/services.csv", dir);
	snprintf(menu, sizeof menu, "%s/home.txt", dir);
	snprintf(cout, sizeof cout, "%s/child.out", dir);

	printf("generating %ld residents ...\n", n);
	snprintf(cmd, sizeof cmd, "'%s' %ld '%s' '%s' '%s'", gen, n, csv, ncsv, scsv);
	double g0 = now_us();
	if (system(cmd) != 0)
		return 1;
	printf("  %.1f s, %.1f + %.1f + %.1f MB of GB18030 CSV\n", (now_us() - g0) / 1e6,
	       file_bytes(csv) / 1e6, file_bytes(ncsv) / 1e6, file_bytes(scsv) / 1e6);

	/* 1. the residents imported three times by each of shegong (a process
	 * of its own, as `shegong import`), SQLite and SQLite doing
	 * shegong's extra work, in turn; each also measures its saves, its
	 * size, and (SQLite) its search page */
	enum { RUNS = 3, PEERS = 3, SW = 4 };
	static const char *const swords[SW] = {"w", "wj", "王", "510421"};
	static const char *const peer_name[PEERS] = {"shegong", "SQLite", "SQLite-full"};
	double p_wall[PEERS][RUNS], p_imp[PEERS][RUNS], p_hwm[PEERS][RUNS], p_ihwm[PEERS][RUNS], p_save[PEERS][RUNS],
	    p_bytes[PEERS][RUNS], p_comp[PEERS][RUNS], p_srch[PEERS][SW][RUNS], p_rawsave[RUNS] = {0};
	uint64_t aud_last = 0;
	memset(p_wall, 0, sizeof p_wall);
	memset(p_imp, 0, sizeof p_imp);
	memset(p_hwm, 0, sizeof p_hwm);
	memset(p_ihwm, 0, sizeof p_ihwm);
	memset(p_save, 0, sizeof p_save);
	memset(p_bytes, 0, sizeof p_bytes);
	memset(p_comp, 0, sizeof p_comp);
	memset(p_srch, 0, sizeof p_srch);
	for (int r = 0; r < RUNS; r++)
		for (int p = 0; p < PEERS; p++) {
			if (p > 0 && !have_sqlite)
				continue;
			char pdb[320];
			snprintf(pdb, sizeof pdb, p == 0 ? "%s/db-%d" : "%s/sqlite-%d.db", dir, r);
			char *sa[] = {selfexe, "--import", pdb, csv, NULL};
			char *qa[] = {sqlite, p == 1 ? "plain" : "full", csv, pdb, NULL};
			printf("run %d of %d: %s importing %ld residents ...\n", r + 1, RUNS, peer_name[p], n);
			double wall = run_child(p == 0 ? sa : qa, cout);
			if (wall < 0)
				return 1;
			p_wall[p][r] = wall;
			p_imp[p][r] = kv(cout, "import_s", 0);
			p_hwm[p][r] = kv(cout, "hwm_kb", 0);
			p_ihwm[p][r] = kv(cout, "import_hwm_kb", 0);
			p_save[p][r] = kv(cout, "save_ms", 0);
			if (p == 0)
				p_rawsave[r] = kv(cout, "raw_save_ms", 0);
			p_bytes[p][r] = kv(cout, "bytes", 0);
			p_comp[p][r] = kv(cout, "bytes_compacted", 0);
			for (int w = 0; w < SW; w++) {
				char key[32];
				snprintf(key, sizeof key, "search:%s", swords[w]);
				p_srch[p][w][r] = kv(cout, key, 0);
			}
			if (p == 0)
				aud_last = (uint64_t)kv(cout, "audit_last", 0);
			printf("  %.1f s whole process (%.1f s importing), %.0f MB peak\n", wall, p_imp[p][r],
			       p_hwm[p][r] / 1024);
			snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s-wal' '%s-shm'", pdb, pdb, pdb);
			if ((p > 0 || r < RUNS - 1) && system(cmd) != 0)
				return 1;
		}
	snprintf(db, sizeof db, "%s/db-%d", dir, RUNS - 1);

	/* 7. database bytes per resident (residents, their indexes, their audit
	 * entries), of the last run's database (and its 40 saves) */
	MDB_env *raw = raw_open(db, MDB_RDONLY);
	MDB_txn *txn;
	mdb_txn_begin(raw, NULL, MDB_RDONLY, &txn);
	size_t nrec = 0, nidx = 0, naud = 0, nchg = 0;
	size_t brec = dbi_bytes(txn, "rec", &nrec), bidx = dbi_bytes(txn, "idx", &nidx),
	       baud = dbi_bytes(txn, "audit", &naud), bchg = dbi_bytes(txn, "chg", &nchg);
	size_t bfree, bown, bother, btotal;
	size_t bidx_full = idx_bytes_full(raw, txn, brec + baud + bchg, &bfree, &bown, &bother, &btotal);
	mdb_txn_abort(txn);
	mdb_env_close(raw);

	/* the import's reference: what it wrote, put raw the way it puts it */
	size_t nres, value_bytes, enc_bytes, nneed, nsvc, vb, eb, rent, nent, sent;
	snprintf(rawdir, sizeof rawdir, "%s/raw", dir);
	printf("raw LMDB puts of what the import wrote ...\n");
	double raw_s = raw_import(db, REC_RESIDENT, 0, aud_last, (size_t)n, rawdir, &nres, &value_bytes,
	                          &enc_bytes, &rent);
	double imp_s = median3(p_imp[0]);

	/* the needs (each finding its resident by ID number) and the care
	 * services from their files, so that the database is a working one */
	store *st;
	int rc;
	struct form_env fenv = {login, NULL, "2026-03-15", false, 0, NULL};
	struct import_opts o = {.kind = REC_NEED, .fs = fs, .env = &fenv};
	uint64_t a0 = audit_last(db);
	if ((rc = store_open(&st, db, 0)))
		die("open", rc);
	audit_attach(st);
	store_set_user(st, login);
	double need_s = import_one(st, ncsv, &o, 0, "the needs");
	store_close(st);
	snprintf(rawdir, sizeof rawdir, "%s/raw-need", dir);
	double need_raw = raw_import(db, REC_NEED, a0, UINT64_MAX, SIZE_MAX, rawdir, &nneed, &vb, &eb, &nent);
	a0 = audit_last(db);
	if ((rc = store_open(&st, db, 0)))
		die("open", rc);
	audit_attach(st);
	store_set_user(st, login);
	o.kind = REC_SERVICE;
	o.form = care;
	double svc_s = import_one(st, scsv, &o, 0, "the services");
	store_close(st);
	snprintf(rawdir, sizeof rawdir, "%s/raw-service", dir);
	double svc_raw = raw_import(db, REC_SERVICE, a0, UINT64_MAX, SIZE_MAX, rawdir, &nsvc, &vb, &eb, &sent);

	/* 2. search per keystroke */
	printf("searching ...\n");
	if ((rc = store_open(&st, db, 0)))
		die("open", rc);
	for (size_t w = 0; w < NW; w++)
		for (int k = 0; k < 6 && words[w].typed[k]; k++)
			for (int r = 0; r < REPS; r++) {
				double a = now_us();
				search_once(st, words[w].typed[k]);
				s_t[w][k][r] = now_us() - a;
			}
	store_close(st);

	/* 4. (the save's raw reference is taken in each import process,
	 * after its saves: child_import) */
	raw = raw_open_keep(db);
	/* the raw cursor over the same index entries: 17 entries, keys and values read */
	for (size_t w = 0; w < NW; w++)
		for (int k = 0; k < 6 && words[w].typed[k]; k++)
			for (int r = 0; r < REPS; r++) {
				double a = now_us();
				size_t sum = raw_walk(raw, words[w].idx, words[w].typed[k], false);
				r_t[w][k][r] = now_us() - a + (sum == (size_t)-1);
				a = now_us();
				sum = raw_walk(raw, words[w].idx, words[w].typed[k], true);
				g_t[w][k][r] = now_us() - a + (sum == (size_t)-1);
			}
	mdb_env_close(raw);

	/* the walk's database: a village's, 400 residents (start-up, wire bytes) */
	char wdb[320];
	snprintf(wdb, sizeof wdb, "%s/db-walk", dir);
	if ((rc = store_open(&st, wdb, STORE_CREATE)) || (rc = store_write(st, units_txn, wdb)) ||
	    (rc = store_write(st, walk_txn, NULL)))
		die("making the walk's database", rc);
	store_close(st);

	/* 3, 8: start-up from a small process of its own (bench-all --startup,
	 * posix_spawn: it does not copy this process), beside a bare ncurses
	 * program drawing the same screen; on the walk's small database and
	 * on the big one */
	double ssm = 0, sbm = 0, ssm_small = 0, sbm_small = 0, pfs[2] = {0}, pfb[2] = {0};
	long hwm_s = 0, hwm_b = 0, parent_kb = 0;
	size_t home_bytes = 0;
	int starts = 0;
	for (int pass = 0; pass < 2; pass++) {
		char smenu[320];
		snprintf(smenu, sizeof smenu, "%s/home-%d.txt", dir, pass);
		printf("start-up, from a small parent, %s database ...\n", pass ? "the big" : "a small");
		char *ua[] = {selfexe, "--startup", pass ? db : wdb, smenu, NULL};
		if (run_child(ua, cout) < 0)
			return 1;
		*(pass ? &ssm : &ssm_small) = kv(cout, "start_ms", 0);
		*(pass ? &sbm : &sbm_small) = kv(cout, "bare_ms", 0);
		pfs[pass] = kv(cout, "faults_s", 0);
		pfb[pass] = kv(cout, "faults_b", 0);
		long hs = (long)kv(cout, "hwm_s", 0), hb = (long)kv(cout, "hwm_b", 0);
		hwm_s = hs > hwm_s ? hs : hwm_s;
		hwm_b = hb > hwm_b ? hb : hwm_b;
		if (pass)
			home_bytes = (size_t)kv(cout, "home_bytes", 0);
		starts = (int)kv(cout, "starts", 0);
		long pk = (long)kv(cout, "parent_kb", 0);
		parent_kb = pk > parent_kb ? pk : parent_kb;
	}

	/* 5, 6: the program in a pty: a form painted, a name typed, as the
	 * worker of a village (a township worker's new resident would have
	 * no village of its own and is refused) in a database of its own */
	printf("in a pty ...\n");
	char tdb[320];
	snprintf(tdb, sizeof tdb, "%s/db-village", dir);
	if ((rc = store_open(&st, tdb, STORE_CREATE)) || (rc = store_write(st, units_txn, tdb)))
		die("making the village's database", rc);
	store_close(st);
	char *sargv[] = {bin, "--db", tdb, NULL};
	vt *t = vt_spawn(sargv, env, 24, 80, "UTF-8");
	if (!t || !vt_wait_text(t, "居民", 20000))
		return 1;
	vt_pump(t, 300);
	vt_type(t, "1");
	vt_wait_text(t, "查找", 20000);
	vt_pump(t, 500);
	size_t b0 = vt_bytes_received(t);
	vt_send_raw(t, KEY_F3, strlen(KEY_F3));
	vt_wait_text(t, "住址", 20000);   /* a field of the form: "新建" is also F3's label in the list */
	vt_pump(t, 500);
	size_t form_bytes = vt_bytes_received(t) - b0;
	b0 = vt_bytes_received(t);
	for (int i = 0; i < 10; i++) {
		vt_type(t, name[i]);
		vt_pump(t, 300);
	}
	size_t typed_bytes = vt_bytes_received(t) - b0;
	bool shown = strstr(vt_screen(t), "司马诸葛欧阳上官建国") != NULL;
	long h = child_hwm();
	if (h > hwm_s)
		hwm_s = h;
	quit(t, "\033\033\033\033[21~");

	/* 10. bytes to the terminal, task by task, in a village's database
	 * of its own with residents the list and the search show */
	printf("bytes to the terminal, task by task ...\n");
	size_t wb[2][W_TASKS] = {{0}}, wch[2][3] = {{0}};
	bool wok[2];
	for (int e = 0; e < 2; e++)
		wok[e] = wire_walk(wdb, e, wb[e], wch[e]);

	/* 9. instructions per keystroke, counted by callgrind */
	bool have_cg = find_valgrind();
	double cg_s[NW], cg_w[NW], cg_g[NW], cg_t = -1, cg_lo = 0, cg_hi = 0;
	bool cg_s_ok = false;
	if (have_cg) {
		printf("counting instructions with callgrind ...\n");
		cg_s_ok = cg_search(selfexe, db, dir, cg_s, cg_w, cg_g);
		cg_t = cg_typing(tdb, dir, &cg_lo, &cg_hi);
	} else {
		printf("valgrind is not installed: instructions per keystroke (callgrind) left out\n");
	}

	/* --- the tables --------------------------------------------------------------- */
	struct utsname u;
	uname(&u);
	char cpu[256] = "?", line[512];
	FILE *ci = fopen("/proc/cpuinfo", "r");
	while (ci && fgets(line, sizeof line, ci))
		if (sscanf(line, "model name : %255[^\n]", cpu) == 1)
			break;
	if (ci)
		fclose(ci);
	double load[3] = {0, 0, 0};
	getloadavg(load, 3);
	time_t now = time(NULL);
	char date[64];
	strftime(date, sizeof date, "%Y-%m-%d %H:%M %Z", localtime(&now));
	row("Machine: %s %s %s %s; CPU %s, %ld online; load average at the end %.2f %.2f %.2f; %s.\n"
	    "Residents: %ld (made by bench-gen), %zu needs and %zu care services beside them "
	    "(imported from bench-gen's GB18030 CSV files).\n\n",
	    u.sysname, u.nodename, u.release, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), load[0],
	    load[1], load[2], date, n, nneed, nsvc);

	/* the peers: median of three runs (least-most) */
	char b1[128], b2[128], b3[128];
	row("## Beside SQLite doing the same work\n\n"
	    "Each peer imports the same residents file %d times, in turn (shegong, SQLite, SQLite "
	    "doing shegong's extra work), each time a process of its own; the median of the runs, "
	    "the least and the most in brackets. bench/README.md says what each does.\n\n",
	    RUNS);
	if (!have_sqlite)
		row("The SQLite peer was not built (configure did not find libsqlite3-dev): its columns "
		    "are left out.\n\n");
	row("| figure | shegong | SQLite | SQLite, same extra work | shegong / SQLite | shegong / "
	    "SQLite-full | target (issue 19) | met |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	double rate[PEERS][RUNS], mb[PEERS][RUNS], imb[PEERS][RUNS], bpr[PEERS][RUNS], cpr[PEERS][RUNS];
	for (int p = 0; p < PEERS; p++)
		for (int r = 0; r < RUNS; r++) {
			rate[p][r] = n / p_wall[p][r];
			mb[p][r] = p_hwm[p][r] / 1024;
			imb[p][r] = p_ihwm[p][r] / 1024;
			bpr[p][r] = p_bytes[p][r] / n;
			cpr[p][r] = p_comp[p][r] / n;
		}
	/* met: the target's test on the medians s0 (shegong), s1 (SQLite),
	 * s2 (SQLite-full), or -1 for a row without a target */
#define PEERROW(label, arr, fmt, target, met)                                                     \
	do {                                                                                          \
		double s0 = median3(arr[0]), s1 = median3(arr[1]), s2 = median3(arr[2]);                  \
		int m_ = (met);                                                                           \
		if (have_sqlite)                                                                          \
			row("| %s | %s | %s | %s | %.2f | %.2f | %s | %s |\n", label,                         \
			    m3(b1, sizeof b1, arr[0], fmt), m3(b2, sizeof b2, arr[1], fmt),                     \
			    m3(b3, sizeof b3, arr[2], fmt), s0 / s1, s0 / s2, target,                          \
			    m_ < 0 ? "-" : m_ ? "yes" : "no");                                                  \
		else                                                                                      \
			row("| %s | %s | - | - | - | - | %s | - |\n", label, m3(b1, sizeof b1, arr[0], fmt),   \
			    target);                                                                          \
	} while (0)
	PEERROW("import, whole process: rows/s", rate, "%.0f",
	        "faster than SQLite-full; at least 1/1.5 of SQLite", s0 > s2 && s0 >= s1 / 1.5);
	PEERROW("import: peak memory when the import ends (VmHWM), MB", imb, "%.0f",
	        "under 100 MB (at 1,000,000 rows)", s0 < 100);
	PEERROW("whole process, the compacting copy and the searches after the import included "
	        "(VmHWM; LMDB's file pages read through its map count here), MB",
	        mb, "%.0f", "-", -1);
	PEERROW("import alone (the file read, checked, saved): seconds", p_imp, "%.2f", "-", -1);
	PEERROW("one resident saved, synced: median of 40, ms", p_save, "%.2f",
	        "no slower than SQLite-full", s0 <= s2);
	PEERROW("database bytes per resident, as used (LMDB: pages up to the last one written; "
	        "SQLite: the file after a checkpoint)",
	        bpr, "%.0f", "at most SQLite-full's", s0 <= s2);
	PEERROW("database bytes per resident, compacted (mdb_copy -c; VACUUM)", cpr, "%.0f",
	        "at most SQLite-full's", s0 <= s2);
	/* search: shegong's from this process (200 keystrokes), the peers' from theirs */
	for (int w = 0; w < SW; w++) {
		double sm = -1;
		for (size_t x = 0; x < NW; x++)
			for (int k = 0; k < 6 && words[x].typed[k]; k++)
				if (strcmp(words[x].typed[k], swords[w]) == 0 && sm < 0)
					sm = pct(s_t[x][k], REPS, 50);
		char label[128];
		snprintf(label, sizeof label, "search page of 17, records fetched, \"%s\": median µs",
		         swords[w]);
		if (have_sqlite) {
			double q1 = median3(p_srch[1][w]), q2 = median3(p_srch[2][w]);
			row("| %s | %.0f (this process, %d keystrokes) | %s | %s | %.2f | %.2f | ahead of "
			    "SQLite (and within 3x of the cursor: below) | %s |\n",
			    label, sm, REPS, m3(b2, sizeof b2, p_srch[1][w], "%.0f"),
			    m3(b3, sizeof b3, p_srch[2][w], "%.0f"), sm / q1, sm / q2,
			    sm < q1 && sm < q2 ? "yes" : "no");
		} else
			row("| %s | %.0f | - | - | - | - | ahead of SQLite | - |\n", label, sm);
	}
#undef PEERROW
	row("\nRows/s and ratios of rows/s: above 1 shegong is faster; every other ratio: below 1 "
	    "shegong is faster or smaller.\n\n");

	row("## Each figure beside its reference\n\n"
	    "| figure | measured | reference (same run) | ratio | target | met |\n"
	    "| --- | --- | --- | --- | --- | --- |\n");
	double ir = n / imp_s, rr = nres / raw_s;
	row("| import rows/s, residents (read, checked, saved, audited; median of %d) | %.0f (%.2f s) | "
	    "raw LMDB puts of what the import wrote (the records, their %zu index, change-log and "
	    "audit entries in all), 1,000 records a synced transaction: %.0f (%.2f s) | %.3f | >= 0.25 | "
	    "%s |\n",
	    RUNS, ir, imp_s, rent - nres, rr, raw_s, ir / rr, ir / rr >= 0.25 ? "yes" : "no");
	ir = nneed / need_s, rr = nneed / need_raw;
	row("| import rows/s, needs (the resident found by ID number) | %.0f (%.2f s) | the same, raw "
	    "(%zu entries): %.0f (%.2f s) | %.3f | >= 0.25 | %s |\n",
	    ir, need_s, nent, rr, need_raw, ir / rr, ir / rr >= 0.25 ? "yes" : "no");
	ir = nsvc / svc_s, rr = nsvc / svc_raw;
	row("| import rows/s, care services | %.0f (%.2f s) | the same, raw (%zu entries): %.0f (%.2f s) "
	    "| %.3f | >= 0.25 | %s |\n",
	    ir, svc_s, sent, rr, svc_raw, ir / rr, ir / rr >= 0.25 ? "yes" : "no");
	for (size_t w = 0; w < NW; w++)
		for (int k = 0; k < 6 && words[w].typed[k]; k++) {
			double sm = pct(s_t[w][k], REPS, 50), sp = pct(s_t[w][k], REPS, 99);
			double rm = pct(r_t[w][k], REPS, 50), rp = pct(r_t[w][k], REPS, 99);
			double gm = pct(g_t[w][k], REPS, 50), gp = pct(g_t[w][k], REPS, 99);
			row("| search, %s, typed \"%s\": median / p99 | %.0f / %.0f µs | raw cursor over the same "
			    "index entries fetching the records it lists (mdb_get): %.0f / %.0f µs (keys only: "
			    "%.0f / %.0f µs, %.1fx) | %.1f | within 3x; p99 < 10 ms | %s |\n",
			    words[w].by, words[w].typed[k], sm, sp, gm, gp, rm, rp, sm / rm, sm / gm,
			    sm / gm <= 3 && sp < 10000 ? "yes" : sp < 10000 ? "p99 yes, ratio no" : "no");
		}
	row("| start-up to home screen drawn, pty, median of %d, from a small parent (%ld kB), a "
	    "village's database of %d residents (page faults to the home screen, median) | %.1f ms "
	    "(%.0f) | bare ncurses program drawing the same screen: %.1f ms (%.0f) | %.2f | within "
	    "1.5x | %s |\n",
	    starts, parent_kb, WALK_RESIDENTS, ssm_small, pfs[0], sbm_small, pfb[0],
	    ssm_small / sbm_small, ssm_small / sbm_small <= 1.5 ? "yes" : "no");
	row("| the same, on the big database (%ld residents) | %.1f ms (%.0f) | %.1f ms (%.0f) | %.2f | "
	    "within 1.5x | %s |\n",
	    n, ssm, pfs[1], sbm, pfb[1], ssm / sbm, ssm / sbm <= 1.5 ? "yes" : "no");
	double svm = median3(p_save[0]), rvm = median3(p_rawsave);
	row("| saving one record (store_save, audited, synced), median of %d, median of %d runs | %.2f ms "
	    "| one raw LMDB put and commit in the same file right after, the same way: %.2f ms | %.2f | "
	    "within 1.5x | %s |\n",
	    SAVES, RUNS, svm, rvm, svm / rvm, svm / rvm <= 1.5 ? "yes" : "no");
	row("| bytes to the terminal typing a ten-character Chinese name%s | %zu | the characters' "
	    "UTF-8 bytes: 30 | %.1f | within 4x | %s |\n",
	    shown ? "" : " (NOT seen on the screen)", typed_bytes, typed_bytes / 30.0,
	    typed_bytes <= 120 ? "yes" : "no");
	row("| bytes to paint a form screen at 80x24 (F3 in the list) | %zu | 2,880 | %.2f | under | %s |\n",
	    form_bytes, form_bytes / 2880.0, form_bytes < 2880 ? "yes" : "no");
	double bp = median3(bpr[0]), vpr = (double)value_bytes / n;
	row("| database bytes per resident (pages in use / residents, before the needs) | %.0f | UTF-8 "
	    "bytes of its field values: %.0f | %.2f | within 3x | %s |\n",
	    bp, vpr, bp / vpr, bp / vpr <= 3 ? "yes" : "no");
	row("| peak RSS of the full-screen program (home, list, form) | %.1f MB | bare ncurses program: "
	    "%.1f MB | +%.1f MB | < 16 MB more | %s |\n",
	    hwm_s / 1024.0, hwm_b / 1024.0, (hwm_s - hwm_b) / 1024.0,
	    hwm_s >= 0 && hwm_b >= 0 && hwm_s - hwm_b < 16 * 1024 ? "yes" : "no");
	if (!have_cg)
		row("| instructions per keystroke (callgrind) | left out: valgrind is not installed | | | "
		    "counted | no |\n");
	if (have_cg && cg_t >= 0)
		row("| instructions per keystroke typing into a form field: the key handled, the form drawn "
		    "again, ncurses' update (callgrind; mean of keys 2-10, least %.0f, most %.0f) | %.0f | "
		    "- | - | counted | yes |\n",
		    cg_lo, cg_hi, cg_t);
	else if (have_cg)
		row("| instructions per keystroke typing into a form field (callgrind) | failed (its log "
		    "above, on stderr) | | | counted | no |\n");
	for (size_t w = 0; have_cg && w < NW; w++) {
		char typed[64] = "";
		for (int k = 0; k < 6 && words[w].typed[k]; k++)
			snprintf(typed + strlen(typed), sizeof typed - strlen(typed), "%s%s", k ? ", " : "",
			         words[w].typed[k]);
		if (cg_s_ok)
			row("| instructions per keystroke, search, %s (%s; search_page, 17 rows; callgrind) | "
			    "%.0f | raw cursor fetching the records it lists: %.0f (keys only: %.0f, %.1fx) | "
			    "%.1f | counted | yes |\n",
			    words[w].by, typed, cg_s[w], cg_g[w], cg_w[w], cg_s[w] / cg_w[w], cg_s[w] / cg_g[w]);
		else if (w == 0)
			row("| instructions per keystroke, search (callgrind) | failed (its log above, on "
			    "stderr) | | | counted | no |\n");
	}
	row("\nWhere the last run's database bytes go, after its import, its 40 saves and the save reference's 40 puts (their table dropped) (per "
	    "resident; pages up to the last one written, as used): records %.0f (%zu entries; encoded %.0f), indexes %.0f "
	    "(%zu entries: %.0f in the index's own tree, %.0f in the DUPSORT sub-databases of keys "
	    "with many records), audit trail %.0f (%zu entries), change log %.0f (%zu entries), the "
	    "other tables (meta, draft) %.0f, LMDB's own (meta pages, free-list and main tables) "
	    "%.0f, free pages %.0f; in all %.0f. Home screen drawn in %zu bytes.\n",
	    (double)brec / n, nrec, (double)enc_bytes / n, (double)bidx_full / n, nidx, (double)bidx / n,
	    ((double)bidx_full - bidx) / n, (double)baud / n, naud, (double)bchg / n, nchg,
	    (double)bother / n, (double)bown / n, (double)bfree / n, (double)btotal / n,
	    home_bytes);
	row("\n## Bytes to the terminal, task by task\n\n"
	    "A village worker's walk (bench/all.c, wire_walk) in a database of its own with %d "
	    "residents of the village, every column of the list filled; TERM=xterm, 80x24, the "
	    "terminal libvterm (tests/vt.c), once on a UTF-8 and once on a GB18030 terminal. "
	    "Seconds at 9600 baud: bytes x 10 / 9600.\n\n"
	    "| task | UTF-8: bytes | s at 9600 baud | GB18030: bytes | s at 9600 baud |\n"
	    "| --- | --- | --- | --- | --- |\n",
	    WALK_RESIDENTS);
	size_t wsum[2] = {0, 0};
	for (int k = 0; k < W_TASKS; k++) {
		row("| %s%s | %zu | %.2f | %zu | %.2f |\n", wire_task[k],
		    wok[0] && wok[1] ? "" : " (a screen NOT seen: see stderr)", wb[0][k],
		    wb[0][k] * 10 / 9600.0, wb[1][k], wb[1][k] * 10 / 9600.0);
		wsum[0] += wb[0][k];
		wsum[1] += wb[1][k];
	}
	row("| the walk, all of it | %zu | %.2f | %zu | %.2f |\n", wsum[0], wsum[0] * 10 / 9600.0,
	    wsum[1], wsum[1] * 10 / 9600.0);
	row("\nEach search keystroke beside what changed on the screen (the changed text of each "
	    "changed row in the terminal's encoding, and 6 bytes a row to move the cursor there; "
	    "colours and reverse video not counted), target: at most what changed.\n\n"
	    "| keystroke | UTF-8: bytes / changed | GB18030: bytes / changed | at most what changed |\n"
	    "| --- | --- | --- | --- |\n");
	for (int k = 0; k < 3; k++) {
		bool at_most = wb[0][W_KEY1 + k] <= wch[0][k] && wb[1][W_KEY1 + k] <= wch[1][k];
		row("| %s | %zu / %zu | %zu / %zu | %s |\n", wire_task[W_KEY1 + k], wb[0][W_KEY1 + k],
		    wch[0][k], wb[1][W_KEY1 + k], wch[1][k], at_most ? "yes" : "no");
	}
	char *notes = kept_notes(out);
	FILE *of = fopen(out, "w");
	if (of) {
		fprintf(of, "# Benchmark results\n\nWritten by `make bench-all` (bench/all.c); see "
		            "bench/README.md for how to read it.\n\n%s\n%s", table, notes);
		fclose(of);
		printf("\nwritten to %s\n", out);
	}
	free(notes);
	formset_free(fs);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
