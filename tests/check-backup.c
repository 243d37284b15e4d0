/* check-backup.c: unit tests of backups and restores (store_backup,
 * store_restore_stage, store_restore_commit, store_in_use): a backup
 * taken while another process keeps writing is a consistent snapshot
 * whose indexes and audit trail are whole and which holds its own audit
 * entry; it is compacted; a restore gives back the same records and keeps
 * the old data; a file cut short, damaged, random or of a newer schema is
 * refused with the live database unchanged; a database another process
 * has open is not replaced. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <lmdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit.h"
#include "record.h"
#include "sha256.h"
#include "store.h"
#include "testdb.h"

/* --- helpers ---------------------------------------------------------- */

static store *
open_audited(const char *dir)
{
	store *st;
	ck_assert_int_eq(store_open(&st, dir, STORE_CREATE), STORE_OK);
	store_set_user(st, "tester");
	audit_attach(st);
	return st;
}

/* n residents named PREFIX-i, one transaction. */
struct fill {
	const char *prefix;
	int from, n;
	bool pair;  /* two records a number, "pair" = the number */
};

static int
fill_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	for (int i = f->from; i < f->from + f->n && !store_txn_error(t); i++) {
		for (int j = 0; j < (f->pair ? 2 : 1); j++) {
			char name[64], num[16];
			snprintf(name, sizeof name, "%s-%d-%d", f->prefix, i, j);
			snprintf(num, sizeof num, "%d", i);
			record *r = record_new(REC_RESIDENT);
			ck_assert_ptr_nonnull(r);
			ck_assert_int_eq(record_set(r, "name", name), 0);
			if (f->pair)
				ck_assert_int_eq(record_set(r, "pair", num), 0);
			store_put(t, r);
			record_free(r);
		}
	}
	return store_txn_error(t);
}

static void
fill(store *st, const char *prefix, int from, int n)
{
	struct fill f = {prefix, from, n, false};
	ck_assert_int_eq(store_write(st, fill_txn, &f), STORE_OK);
}

/* A database with the units and account a backup must hold to be of use
 * does not matter here: the store checks the data, cli-backup.c the rest. */
static char *
db_with(int n)
{
	char *dir = testdb_dir("backup");
	store *st = open_audited(dir);
	fill(st, "r", 0, n);
	store_close(st);
	return dir;
}

static char *
path_in(const char *dir, const char *name)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	return p;
}

/* The SHA-256 of a file, to see it unchanged. */
static void
file_sum(const char *path, unsigned char out[SHA256_LEN])
{
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	struct sha256 h;
	sha256_init(&h);
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(&h, buf, n);
	fclose(f);
	sha256_final(&h, out);
}

static off_t
file_size(const char *path)
{
	struct stat sb;
	ck_assert_int_eq(stat(path, &sb), 0);
	return sb.st_size;
}

static size_t
dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void
copy_file(const char *from, const char *to, off_t len)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	char buf[4096];
	while (len > 0) {
		size_t want = len < (off_t)sizeof buf ? (size_t)len : sizeof buf;
		size_t n = fread(buf, 1, want, in);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
		len -= (off_t)n;
	}
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/* Every resident's name, sorted, joined by newlines. */
struct names {
	char *buf;
	size_t len;
	size_t n;
	/* pairs: how many records of each number */
	int pairs[100000];
	int maxpair;
};

static int
name_one(const record *r, void *ctx)
{
	struct names *nm = ctx;
	const char *name = record_get(r, "name");
	size_t l = strlen(name);
	char *p = realloc(nm->buf, nm->len + l + 2);
	ck_assert_ptr_nonnull(p);
	nm->buf = p;
	memcpy(nm->buf + nm->len, name, l);
	nm->buf[nm->len + l] = '\n';
	nm->len += l + 1;
	nm->buf[nm->len] = '\0';
	nm->n++;
	const char *pair = record_get(r, "pair");
	int k = pair ? atoi(pair) : -1;
	if (k >= 0 && k < 100000) {
		nm->pairs[k]++;
		if (k > nm->maxpair)
			nm->maxpair = k;
	}
	return 0;
}

static int
names_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, name_one, ctx);
}

static struct names *
names_of(store *st)
{
	struct names *nm = calloc(1, sizeof *nm);
	ck_assert_ptr_nonnull(nm);
	ck_assert_int_eq(store_read(st, names_txn, nm), STORE_OK);
	return nm;
}

static void
names_free(struct names *nm)
{
	free(nm->buf);
	free(nm);
}

/* Open a backup file (or a staged copy) and check it as restore does:
 * indexes, audit chain, kept counts. */
static store *
open_checked(const char *path, struct store_census *cen)
{
	store *bk;
	ck_assert_int_eq(store_open(&bk, path, STORE_FILE), STORE_OK);
	size_t faults = 99, entries = 0;
	uint64_t bad = 99;
	char why[512];
	ck_assert_int_eq(store_verify(bk, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	ck_assert_int_eq(audit_verify(bk, &entries, &bad, why, sizeof why), STORE_OK);
	ck_assert_msg(bad == 0, "audit trail of %s: %s", path, why);
	ck_assert_int_eq(store_census(bk, cen), STORE_OK);
	ck_assert_uint_eq(cen->miscounted, 0);
	ck_assert_uint_eq(cen->audit_entries, entries);
	return bk;
}

/* --- a hot backup while another process writes ------------------------------ */

static void
writer(const char *dir, int ready_fd)
{
	store *st = open_audited(dir);
	for (int i = 1; i < 100000; i++) {
		struct fill f = {"w", i, 1, true};
		if (store_write(st, fill_txn, &f) != STORE_OK)
			_exit(3);
		if (i == 20 && write(ready_fd, "x", 1) != 1)
			_exit(4);
	}
	store_close(st);
	_exit(0);
}

static int
find_backup_entry(const struct audit_entry *e, void *ctx)
{
	int *found = ctx;
	if (strcmp(e->action, "backup") == 0 && strcmp(e->note, "hot") == 0)
		(*found)++;
	return 0;
}

START_TEST(test_hot_backup)
{
	char *dir = db_with(50);
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		writer(dir, p[1]);
	}
	close(p[1]);
	char c;
	ck_assert_int_eq(read(p[0], &c, 1), 1);  /* the writer is well under way */
	close(p[0]);

	store *st = open_audited(dir);
	char *out = testdb_dir("backup-out");
	size_t last = 0, grew = 0;
	for (int b = 0; b < 6; b++) {
		char name[32];
		snprintf(name, sizeof name, "b%d.shegong", b);
		char *path = path_in(out, name);
		ck_assert_int_eq(audit_log_now(st, "backup", NULL, "hot"), STORE_OK);
		struct store_backup_info info;
		ck_assert_int_eq(store_backup(st, path, &info), STORE_OK);
		ck_assert_uint_gt(info.bytes, STORE_TRAILER_LEN);
		ck_assert_uint_eq((uint64_t)file_size(path), info.bytes);
		/* no half-written file is left beside it */
		char *tmp;
		ck_assert_int_ge(asprintf(&tmp, "%s.tmp", path), 0);
		ck_assert_int_ne(access(tmp, F_OK), 0);
		free(tmp);

		struct store_census cen;
		store *bk = open_checked(path, &cen);
		ck_assert_uint_eq(cen.records, info.census.records);
		struct names *nm = names_of(bk);
		ck_assert_uint_eq(nm->n, cen.by_kind[REC_RESIDENT]);
		/* both records of every pair, or neither */
		ck_assert_int_gt(nm->maxpair, 0);
		for (int k = 1; k <= nm->maxpair; k++)
			ck_assert_msg(nm->pairs[k] == 2, "backup %d: pair %d has %d records", b, k,
			              nm->pairs[k]);
		ck_assert_uint_eq(nm->n, 50 + 2 * (size_t)nm->maxpair);
		/* the copy holds the entry logged before it was taken */
		int found = 0;
		ck_assert_int_eq(audit_each(bk, &(struct audit_filter){0}, find_backup_entry, &found),
		                 STORE_OK);
		ck_assert_int_eq(found, b + 1);
		grew += nm->n > last;
		last = nm->n;
		names_free(nm);
		store_close(bk);
		free(path);
	}
	/* the backups were taken while records kept arriving */
	ck_assert_uint_ge(grew, 3);
	kill(pid, SIGKILL);  /* Check's SIGTERM handler, inherited, would pass it on to us */
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) ? WEXITSTATUS(status) == 0 : WTERMSIG(status) == SIGKILL);
	/* the live database is whole after all that */
	size_t faults = 99;
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	store_close(st);
	testdb_rm(out);
	testdb_rm(dir);
}
END_TEST

/* --- compacted ---------------------------------------------------------- */

struct del_all {
	rec_id ids[4000];
	size_t n;
};

static int
collect_id(const record *r, void *ctx)
{
	struct del_all *d = ctx;
	if (d->n < 4000)
		d->ids[d->n++] = r->id;
	return 0;
}

static int
del_most_txn(store_txn *t, void *ctx)
{
	struct del_all *d = ctx;
	d->n = 0;
	store_scan(t, REC_RESIDENT, NULL, collect_id, d);
	for (size_t i = 10; i < d->n && !store_txn_error(t); i++)
		store_del(t, &d->ids[i], 0);
	return store_txn_error(t);
}

START_TEST(test_compacted)
{
	/* without the audit trail, which keeps every deletion */
	char *dir = testdb_dir("backup");
	store *st = testdb_open(dir);
	fill(st, "r", 0, 3000);
	struct del_all *d = calloc(1, sizeof *d);
	ck_assert_int_eq(store_write(st, del_most_txn, d), STORE_OK);
	free(d);
	char *out = testdb_dir("backup-out");
	char *path = path_in(out, "small.shegong");
	struct store_backup_info info;
	ck_assert_int_eq(store_backup(st, path, &info), STORE_OK);
	char *live = path_in(dir, "data.mdb");
	ck_assert_uint_eq(info.live_bytes, (uint64_t)file_size(live));
	/* the free pages of the deleted records are left out */
	ck_assert_msg(info.bytes * 4 < info.live_bytes, "backup %llu bytes, live %llu",
	              (unsigned long long)info.bytes, (unsigned long long)info.live_bytes);
	ck_assert_uint_eq(info.census.by_kind[REC_RESIDENT], 10);
	struct store_census cen;
	store *bk = open_checked(path, &cen);
	ck_assert_uint_eq(cen.records, 10);
	store_close(bk);
	/* not into the database folder itself */
	char *inside = path_in(dir, "b.shegong");
	ck_assert_int_eq(store_backup(st, inside, &info), STORE_BADPATH);
	ck_assert_int_ne(access(inside, F_OK), 0);
	store_close(st);
	free(inside);
	free(live);
	free(path);
	testdb_rm(out);
	testdb_rm(dir);
}
END_TEST

/* --- round trip ---------------------------------------------------------- */

static void
restore_into(const char *backup, const char *dir, char **kept)
{
	char *staged;
	bool made;
	ck_assert_int_eq(store_restore_stage(backup, dir, &staged, &made), STORE_OK);
	struct store_census cen;
	store *bk = open_checked(staged, &cen);
	store_close(bk);
	ck_assert_int_eq(store_restore_commit(dir, staged, kept), STORE_OK);
	ck_assert_int_ne(access(staged, F_OK), 0);
	free(staged);
}

START_TEST(test_roundtrip)
{
	char *dir = db_with(300);
	store *st = open_audited(dir);
	struct names *before = names_of(st);
	uint64_t site = store_site(st);
	char *out = testdb_dir("backup-out");
	char *path = path_in(out, "rt.shegong");
	struct store_backup_info info;
	ck_assert_int_eq(store_backup(st, path, &info), STORE_OK);
	/* work goes on after the backup */
	fill(st, "later", 0, 5);
	store_close(st);

	/* onto a new computer: the folder does not exist yet */
	char *fresh = path_in(out, "new/db");
	char *kept = NULL;
	restore_into(path, fresh, &kept);
	ck_assert_ptr_null(kept);
	st = open_audited(fresh);
	struct names *got = names_of(st);
	ck_assert_str_eq(got->buf, before->buf);
	ck_assert_uint_eq(store_site(st), site);  /* its ids stay its own */
	store_close(st);
	names_free(got);

	/* over the database it came from: the five later records go, and the
	 * data from before is kept beside it */
	restore_into(path, dir, &kept);
	ck_assert_ptr_nonnull(kept);
	ck_assert_ptr_nonnull(strstr(kept, "/data.mdb.before-restore-"));
	char *lock = path_in(dir, "lock.mdb");
	ck_assert_int_ne(access(lock, F_OK), 0);
	free(lock);
	st = open_audited(dir);
	got = names_of(st);
	ck_assert_str_eq(got->buf, before->buf);
	size_t faults = 99;
	ck_assert_int_eq(store_verify(st, false, &faults, NULL, NULL), STORE_OK);
	ck_assert_uint_eq(faults, 0);
	/* and it takes new work */
	fill(st, "again", 0, 2);
	store_close(st);
	names_free(got);
	store *old;
	ck_assert_int_eq(store_open(&old, kept, STORE_FILE), STORE_OK);
	got = names_of(old);
	ck_assert_uint_eq(got->n, 305);
	names_free(got);
	store_close(old);
	free(kept);
	names_free(before);
	free(fresh);
	free(path);
	testdb_rm(out);
	testdb_rm(dir);
}
END_TEST

/* --- refusals ------------------------------------------------------------- */

/* The stage refuses path with want; the live database in dir, its files
 * and the folder's entries stay as they were. */
static void
refused(const char *path, const char *dir, int want)
{
	char *live = path_in(dir, "data.mdb");
	unsigned char a[SHA256_LEN], b[SHA256_LEN];
	file_sum(live, a);
	size_t n = dir_entries(dir);
	char *staged = (char *)"unset";
	bool made = true;
	ck_assert_int_eq(store_restore_stage(path, dir, &staged, &made), want);
	ck_assert_ptr_null(staged);
	ck_assert(!made);
	file_sum(live, b);
	ck_assert_mem_eq(a, b, SHA256_LEN);
	ck_assert_uint_eq(dir_entries(dir), n);
	free(live);
}

static void
set_schema(const char *file, uint64_t schema)
{
	MDB_env *env;
	MDB_txn *txn;
	MDB_dbi dbi;
	unsigned char v[8] = {0};
	for (int i = 7; i >= 0; i--, schema >>= 8)
		v[i] = (unsigned char)schema;
	ck_assert_int_eq(mdb_env_create(&env), 0);
	mdb_env_set_maxdbs(env, 8);
	ck_assert_int_eq(mdb_env_open(env, file, MDB_NOSUBDIR | MDB_NOLOCK, 0600), 0);
	ck_assert_int_eq(mdb_txn_begin(env, NULL, 0, &txn), 0);
	ck_assert_int_eq(mdb_dbi_open(txn, "meta", 0, &dbi), 0);
	MDB_val k = {6, (void *)"schema"}, d = {8, v};
	ck_assert_int_eq(mdb_put(txn, dbi, &k, &d, 0), 0);
	ck_assert_int_eq(mdb_txn_commit(txn), 0);
	mdb_env_close(env);
}

START_TEST(test_refusals)
{
	char *dir = db_with(200);
	store *st = open_audited(dir);
	char *out = testdb_dir("backup-out");
	char *good = path_in(out, "good.shegong");
	struct store_backup_info info;
	ck_assert_int_eq(store_backup(st, good, &info), STORE_OK);
	fill(st, "live", 0, 3);
	store_close(st);
	off_t size = file_size(good);

	/* cut short: half, and all but the last byte */
	char *cut = path_in(out, "cut.shegong");
	copy_file(good, cut, size / 2);
	refused(cut, dir, STORE_BADBACKUP);
	copy_file(good, cut, size - 1);
	refused(cut, dir, STORE_BADBACKUP);
	/* the data alone, without its trailer, is no backup either */
	copy_file(good, cut, size - STORE_TRAILER_LEN);
	refused(cut, dir, STORE_BADBACKUP);
	/* and LMDB's pages cut short are refused before they are read */
	copy_file(good, cut, (size - STORE_TRAILER_LEN) / 2);
	store *bad;
	ck_assert_int_eq(store_open(&bad, cut, STORE_FILE), STORE_BADBACKUP);

	/* one byte changed in the middle */
	char *flip = path_in(out, "flip.shegong");
	copy_file(good, flip, size);
	FILE *f = fopen(flip, "r+b");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, size / 2, SEEK_SET), 0);
	int ch = fgetc(f);
	ck_assert_int_eq(fseek(f, size / 2, SEEK_SET), 0);
	fputc(ch ^ 0x40, f);
	fclose(f);
	refused(flip, dir, STORE_BADBACKUP);

	/* random bytes, a text file, an empty file, a folder */
	char *rnd = path_in(out, "random.shegong");
	unsigned char buf[65536];
	ck_assert_int_eq(getrandom(buf, sizeof buf, 0), (ssize_t)sizeof buf);
	f = fopen(rnd, "wb");
	fwrite(buf, 1, sizeof buf, f);
	fclose(f);
	refused(rnd, dir, STORE_BADBACKUP);
	f = fopen(rnd, "wb");
	fputs("name,id\n张三,510421\n", f);
	fclose(f);
	refused(rnd, dir, STORE_BADBACKUP);
	f = fopen(rnd, "wb");
	fclose(f);
	refused(rnd, dir, STORE_BADBACKUP);
	refused(out, dir, STORE_BADBACKUP);

	/* a whole backup of a newer schema */
	char *newer = path_in(out, "newer.shegong");
	copy_file(good, newer, size - STORE_TRAILER_LEN);
	set_schema(newer, STORE_SCHEMA + 1);
	ck_assert_int_eq(store_backup_seal(newer), STORE_OK);
	refused(newer, dir, STORE_NEWER);
	/* even with a trailer that says otherwise, opening it refuses it */
	copy_file(good, newer, size - STORE_TRAILER_LEN);
	set_schema(newer, STORE_SCHEMA + 1);
	ck_assert_int_eq(store_open(&bad, newer, STORE_FILE), STORE_NEWER);

	/* a bad file restored onto a new computer leaves no folder */
	char *fresh = path_in(out, "new/db");
	char *staged;
	bool made;
	ck_assert_int_eq(store_restore_stage(cut, fresh, &staged, &made), STORE_BADBACKUP);
	ck_assert_int_ne(access(fresh, F_OK), 0);
	/* and the good one still restores (the checks above did not spoil it) */
	char *kept;
	restore_into(good, dir, &kept);
	free(kept);

	free(fresh);
	free(newer);
	free(rnd);
	free(flip);
	free(cut);
	free(good);
	testdb_rm(out);
	testdb_rm(dir);
}
END_TEST

/* --- in use ---------------------------------------------------------------- */

START_TEST(test_in_use)
{
	char *dir = db_with(20);
	char *out = testdb_dir("backup-out");
	char *good = path_in(out, "good.shegong");
	store *st = open_audited(dir);
	struct store_backup_info info;
	ck_assert_int_eq(store_backup(st, good, &info), STORE_OK);
	bool busy = false;
	/* this process's own handle counts */
	ck_assert_int_eq(store_in_use(dir, &busy), STORE_OK);
	ck_assert(busy);
	store_close(st);
	ck_assert_int_eq(store_in_use(dir, &busy), STORE_OK);
	ck_assert(!busy);

	/* another process holds it open until told */
	int ready[2], go[2];
	ck_assert_int_eq(pipe(ready), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		store *cs;
		char c;
		if (store_open(&cs, dir, STORE_RDONLY) != STORE_OK)
			_exit(3);
		if (write(ready[1], "x", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(4);
		store_close(cs);
		_exit(0);
	}
	char c;
	ck_assert_int_eq(read(ready[0], &c, 1), 1);
	ck_assert_int_eq(store_in_use(dir, &busy), STORE_OK);
	ck_assert(busy);
	char *live = path_in(dir, "data.mdb");
	unsigned char a[SHA256_LEN], b[SHA256_LEN];
	file_sum(live, a);
	char *staged, *kept = (char *)"unset";
	bool made;
	ck_assert_int_eq(store_restore_stage(good, dir, &staged, &made), STORE_OK);
	ck_assert_int_eq(store_restore_commit(dir, staged, &kept), STORE_INUSE);
	ck_assert_ptr_null(kept);
	file_sum(live, b);
	ck_assert_mem_eq(a, b, SHA256_LEN);
	ck_assert_int_eq(access(staged, F_OK), 0);  /* the caller's to remove or retry */

	ck_assert_int_eq(write(go[1], "x", 1), 1);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	ck_assert_int_eq(store_in_use(dir, &busy), STORE_OK);
	ck_assert(!busy);
	ck_assert_int_eq(store_restore_commit(dir, staged, &kept), STORE_OK);
	ck_assert_ptr_nonnull(kept);
	free(kept);
	free(staged);
	/* no lock file at all: not in use */
	char *lock = path_in(dir, "lock.mdb");
	ck_assert_int_ne(access(lock, F_OK), 0);
	ck_assert_int_eq(store_in_use(dir, &busy), STORE_OK);
	ck_assert(!busy);
	free(lock);
	free(live);
	free(good);
	testdb_rm(out);
	testdb_rm(dir);
}
END_TEST

static Suite *
backup_suite(void)
{
	Suite *s = suite_create("backup");
	TCase *tc = tcase_create("backup");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hot_backup);
	tcase_add_test(tc, test_compacted);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_in_use);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(backup_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
