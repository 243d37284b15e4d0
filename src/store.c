/* store.c: the record store's LMDB environment: open and close (and the
 * one held for a whole run), sticky-error transactions, a map that grows
 * by itself, stale readers, and the small steps the other store files
 * share (store-internal.h).  Records, the change log, the audit table,
 * meta values, verification, drafts, backups and the errors' texts each
 * have a store-*.c of their own. */
#include "config.h"

#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "index.h"
#include "store-internal.h"
#include "util.h"

#define MAP_START ((size_t)32 << 20)
#if SIZE_MAX <= 0xFFFFFFFFu
/* A 32-bit process has about 3 GiB of address space for everything. */
#define MAP_LIMIT ((size_t)1 << 30)
#else
#define MAP_LIMIT ((size_t)1 << 40)
#endif

/* The database held open for the whole run (store_hold): a setgid run
 * opens it with the group's rights, then gives the group up for good;
 * every later store_open of the same folder shares this environment. */
static struct {
	store *st;
	char *dir;
	int err;
} held;

/* --- transactions' errors and shared steps ---------------------------------- */

int
store_txn_rc(store_txn *t, int rc)
{
	if (rc && !t->err)
		t->err = store_map_error(rc);
	return rc ? t->err : 0;
}

int
store_cursor_end(store_txn *t, MDB_cursor *c, int rc)
{
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : store_txn_rc(t, rc);
}

int
store_copy_out(store_txn *t, const MDB_val *d, void **data, size_t *len)
{
	*data = malloc(d->mv_size ? d->mv_size : 1);
	if (!*data)
		return store_txn_fail(t, STORE_NOMEM);
	memcpy(*data, d->mv_data, d->mv_size);
	*len = d->mv_size;
	return 0;
}

int
store_txn_error(const store_txn *t)
{
	return t->err;
}

int
store_txn_fail(store_txn *t, int err)
{
	if (!t->err)
		t->err = err;
	return t->err;
}

store *
store_txn_store(store_txn *t)
{
	return t->st;
}

/* --- open and close ---------------------------------------------------- */

int
store_mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return ENOMEM;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0770) < 0 && errno != EEXIST) {
			int e = errno;
			free(p);
			return e;
		}
		*s = '/';
	}
	int rc = (mkdir(p, 0770) < 0 && errno != EEXIST) ? errno : 0;
	free(p);
	return rc;
}

static int
new_site(uint64_t *site)
{
	unsigned char b[6];
	do {
		if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b)
			return STORE_IO;
		*site = be_get(b, 6);
	} while (*site == 0);
	return 0;
}

/* Open the named databases, creating them and the meta entries when
 * asked; check the schema. */
static int
open_dbis_txn(store *st, bool create, bool write)
{
	MDB_txn *txn;
	int rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &txn);
	if (rc == MDB_MAP_RESIZED) {
		mdb_env_set_mapsize(st->env, 0);
		rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, &txn);
	}
	if (rc)
		return store_map_error(rc);
	unsigned cf = create ? MDB_CREATE : 0;
	rc = mdb_dbi_open(txn, "meta", cf, &st->meta);
	if (!rc)
		rc = mdb_dbi_open(txn, "rec", cf, &st->rec);
	/* every index entry's data is a record key of REC_KEYLEN bytes:
	 * MDB_DUPFIXED packs a key's many records (a village's residents)
	 * as a bare array, without a node header each.  A database made
	 * before keeps the flags it was made with: LMDB goes by the stored
	 * ones, and both read and write alike. */
	if (!rc)
		rc = mdb_dbi_open(txn, "idx", cf | MDB_DUPSORT | MDB_DUPFIXED, &st->idx);
	/* the tables added after the first schema are made on the first
	 * open that may write, so older databases need no migration */
	if (!rc) {
		int r2 = mdb_dbi_open(txn, "draft", write ? MDB_CREATE : 0, &st->draft);
		st->have_draft = r2 == 0;
		r2 = mdb_dbi_open(txn, "audit", write ? MDB_CREATE : 0, &st->audit);
		st->have_audit = r2 == 0;
		r2 = mdb_dbi_open(txn, "chg", 0, &st->chg);
		st->have_chg = r2 == 0;
		if (r2 == MDB_NOTFOUND && write) {
			/* a database made before the change log: every record
			 * it has counts as changed once, in key order */
			rc = mdb_dbi_open(txn, "chg", MDB_CREATE, &st->chg);
			if (!rc)
				rc = store_change_backfill(st, txn);
			st->have_chg = rc == 0;
		}
	}
	if (rc) {
		mdb_txn_abort(txn);
		return rc == MDB_NOTFOUND ? STORE_NODB : store_map_error(rc);
	}
	store_txn t = {.st = st, .txn = txn, .write = write};
	uint64_t schema, site;
	store_meta_get_u64(&t, "schema", &schema);
	store_meta_get_u64(&t, "site", &site);
	if (!t.err && schema == 0) {
		if (!create) {
			t.err = STORE_NODB;
		} else {
			t.err = new_site(&site);
			if (!t.err)
				store_meta_put_u64(&t, "schema", STORE_SCHEMA);
			if (!t.err)
				store_meta_put_u64(&t, "site", site);
			if (!t.err)
				store_meta_put_u64(&t, "idxver", INDEX_VERSION);
			schema = STORE_SCHEMA;
		}
	}
	if (!t.err && schema > STORE_SCHEMA)
		t.err = STORE_NEWER;
	if (!t.err && site == 0)
		t.err = STORE_CORRUPT;
	if (t.err) {
		mdb_txn_abort(txn);
		return t.err;
	}
	uint64_t idxver = 0;
	store_meta_get_u64(&t, "idxver", &idxver);
	st->site = site;
	st->schema = schema;
	st->idxver = idxver ? idxver : 1;  /* a database made before the number */
	return store_map_error(mdb_txn_commit(txn));
}

/* An open that may write looks first in a read transaction: LMDB has one
 * writer at a time, and a write transaction here would make every start
 * of the program wait behind the saves of the others in progress, each
 * through its synced commit (a township server's workers, bench-load).
 * Only a database that lacks a table or its schema is opened for
 * writing to make them. */
static int
open_dbis(store *st, bool create, bool write)
{
	if (write && open_dbis_txn(st, false, false) == 0 && st->have_draft && st->have_audit &&
	    st->have_chg)
		return 0;
	return open_dbis_txn(st, create, write);
}

/* A damaged or foreign lock.mdb makes LMDB say the files are not a
 * database; data.mdb opened alone without the lock tells the two apart. */
static bool
data_file_sound(const char *dir)
{
	char *path = NULL;
	MDB_env *env = NULL;
	bool ok = asprintf(&path, "%s/data.mdb", dir) >= 0 && mdb_env_create(&env) == 0 &&
	          mdb_env_open(env, path, MDB_NOSUBDIR | MDB_NOLOCK | MDB_RDONLY, 0) == 0;
	if (env)
		mdb_env_close(env);
	free(path);
	return ok;
}

static int store_open_env(store **out, const char *dir, unsigned flags);

int
store_open(store **out, const char *dir, unsigned flags)
{
	*out = NULL;
	if (!held.dir || (flags & STORE_FILE) || strcmp(dir, held.dir) != 0)
		return store_open_env(out, dir, flags);
	if (held.err)
		return held.err;
	store *st = malloc(sizeof *st);
	if (!st)
		return STORE_NOMEM;
	*st = *held.st;
	st->hook = NULL;
	st->hook_ctx = NULL;
	st->policy = NULL;
	st->policy_ctx = NULL;
	st->shared = true;
	st->rdonly = held.st->rdonly || (flags & STORE_RDONLY);
	st->dir = strdup(dir);
	st->user = strdup("?");
	if (!st->dir || !st->user) {
		free(st->dir);
		free(st->user);
		free(st);
		return STORE_NOMEM;
	}
	*out = st;
	return STORE_OK;
}

int
store_hold(const char *dir, unsigned flags)
{
	store_release();
	if (!(held.dir = strdup(dir)))
		return held.err = STORE_NOMEM;
	held.err = store_open_env(&held.st, dir, flags & STORE_CREATE);
	if (held.err == STORE_PERM || held.err == STORE_BUSY) {
		/* a folder this run may only read: read-only, as store_open
		 * would have opened it for a command that only reads */
		int err = store_open_env(&held.st, dir, STORE_RDONLY);
		if (!err)
			held.err = STORE_OK;
	}
	return held.err;
}

void
store_release(void)
{
	if (held.st) {
		store *st = held.st;
		held.st = NULL;
		store_close(st);
	}
	free(held.dir);
	held.dir = NULL;
	held.err = STORE_OK;
}

static int
store_open_env(store **out, const char *dir, unsigned flags)
{
	*out = NULL;
	struct stat sb;
	bool file = flags & STORE_FILE;
	bool create = (flags & STORE_CREATE) && !file;
	bool rdonly = (flags & STORE_RDONLY) || file;
	if (file) {
		if (stat(dir, &sb) < 0)
			return store_map_error(errno);
		if (!S_ISREG(sb.st_mode))
			return STORE_NOTDB;
	} else if (stat(dir, &sb) < 0) {
		if (errno != ENOENT || !create)
			return store_map_error(errno);
		int e = store_mkdir_p(dir);
		if (e)
			return store_map_error(e);
	} else if (!S_ISDIR(sb.st_mode)) {
		return STORE_NOTDB;
	}
	if (!create && !file) {
		char *path = malloc(strlen(dir) + 10);
		if (!path)
			return STORE_NOMEM;
		sprintf(path, "%s/data.mdb", dir);
		/* stat, not access: access asks with the real ids, and a setgid
		 * run (a township install) reaches the folder only by its group */
		int missing = stat(path, &sb) < 0;
		free(path);
		if (missing)
			return STORE_NODB;
	}
	store *st = calloc(1, sizeof *st);
	if (!st)
		return STORE_NOMEM;
	st->rdonly = rdonly;
	st->maplimit = MAP_LIMIT;
	st->dir = strdup(dir);
	st->user = strdup("?");
	int rc = mdb_env_create(&st->env);
	if (rc || !st->dir || !st->user) {
		free(st->dir);
		free(st->user);
		free(st);
		return rc ? store_map_error(rc) : STORE_NOMEM;
	}
	mdb_env_set_maxdbs(st->env, 8);
	mdb_env_set_maxreaders(st->env, 510);
	/* a file (a backup) is nobody's live database: no lock file beside it */
	unsigned ef = MDB_NOTLS | (rdonly ? MDB_RDONLY : 0) | (file ? MDB_NOSUBDIR | MDB_NOLOCK : 0);
	rc = mdb_env_open(st->env, dir, ef, 0660);
	if (rc) {
		int err = store_map_error(rc);
		store_close(st);
		if (!file && err == STORE_NOTDB && data_file_sound(dir))
			return STORE_BADLOCK;
		return file && (err == STORE_NODB || err == STORE_INVALID) ? STORE_NOTDB : err;
	}
	if (file) {
		/* a page beyond the end of a file cut short would kill the
		 * program when read: refuse it before anything is read */
		MDB_envinfo ei;
		MDB_stat ms;
		if (mdb_env_info(st->env, &ei) || mdb_env_stat(st->env, &ms) ||
		    ((uint64_t)ei.me_last_pgno + 1) * ms.ms_psize > (uint64_t)sb.st_size) {
			store_close(st);
			return STORE_BADBACKUP;
		}
	}
	int dead;
	mdb_reader_check(st->env, &dead);
	if (!rdonly && store_mapsize(st) < MAP_START) {
		rc = mdb_env_set_mapsize(st->env, MAP_START);
		if (rc) {
			store_close(st);
			return store_map_error(rc);
		}
	}
	int err = open_dbis(st, create && !rdonly, !rdonly);
	if (!err && !rdonly && !file && st->idxver < INDEX_VERSION)
		err = store_index_upgrade(st);
	if (err) {
		store_close(st);
		return err;
	}
	*out = st;
	return STORE_OK;
}

void
store_close(store *st)
{
	if (!st)
		return;
	if (st->env && !st->shared)
		mdb_env_close(st->env);
	free(st->dir);
	free(st->user);
	free(st);
}

int
store_set_user(store *st, const char *login)
{
	char *u = strdup(login && *login ? login : "?");
	if (!u)
		return STORE_NOMEM;
	free(st->user);
	st->user = u;
	return STORE_OK;
}

const char *
store_user(const store *st)
{
	return st->user;
}

const char *
store_dir(const store *st)
{
	return st->dir;
}

uint64_t
store_site(const store *st)
{
	return st->site;
}

size_t
store_mapsize(store *st)
{
	MDB_envinfo info;
	mdb_env_info(st->env, &info);
	return info.me_mapsize;
}

void
store_release_map(store *st)
{
	/* the map is the file's pages shared (MAP_SHARED, written through
	 * pwrite, never through the map): letting go of them unmaps them
	 * from this process alone; they stay in the page cache, and the
	 * next read maps them again without reading the disk.  LMDB does
	 * not say where its map is (me_mapaddr is MDB_FIXEDMAP's alone): the
	 * mapping of the data file, found by its device and inode */
	int fd;
	struct stat sb;
	if (mdb_env_get_fd(st->env, &fd) != 0 || fstat(fd, &sb) != 0)
		return;
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f)
		return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		unsigned long lo, hi, off, ino;
		unsigned maj, min;
		char perms[8];
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &lo, &hi, perms, &off, &maj, &min,
		           &ino) == 7 &&
		    ino == (unsigned long)sb.st_ino && makedev(maj, min) == sb.st_dev && off == 0 &&
		    perms[3] == 's')
			madvise((void *)lo, hi - lo, MADV_DONTNEED);
		if (!strchr(line, '\n')) {
			/* a line longer than the buffer: skip its rest */
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
	}
	fclose(f);
}

size_t
store_maplimit(const store *st)
{
	return st->maplimit;
}

void
store_set_maplimit(store *st, size_t limit)
{
	st->maplimit = limit;
}

/* Make the map larger after MDB_MAP_FULL.  Called with no transaction
 * open in this process, as LMDB requires.  Other processes notice on
 * their next transaction (MDB_MAP_RESIZED) and adopt the new size. */
static int
grow(store *st)
{
	int dead;
	mdb_reader_check(st->env, &dead);
	size_t cur = store_mapsize(st);
	if (cur >= st->maplimit)
		return STORE_MAPLIMIT;
	size_t step = cur < ((size_t)1 << 30) ? cur : ((size_t)1 << 30);
	size_t want = cur > st->maplimit - step ? st->maplimit : cur + step;
	return store_map_error(mdb_env_set_mapsize(st->env, want));
}

/* Below this much room the disk counts as full. */
#define FULL_BELOW ((uint64_t)1 << 20)

/* LMDB reports a write cut short as EIO whatever the cause, so a disk
 * that fills part way through a commit (one write takes the last of the
 * space) comes back as an input/output error, and the worker would be
 * told the disk is failing.  Tell the two apart: no room left on the
 * file system, or the file at the size the process may write
 * (RLIMIT_FSIZE), is a full disk, which freeing space mends. */
static int
io_or_full(store *st, int err)
{
	if (err != STORE_IO)
		return err;
	struct statvfs vs;
	if (statvfs(st->dir, &vs) == 0 && (uint64_t)vs.f_bavail * vs.f_frsize < FULL_BELOW)
		return STORE_DISKFULL;
	struct rlimit rl;
	mdb_filehandle_t fd;
	struct stat sb;
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    mdb_env_get_fd(st->env, &fd) == 0 && fstat(fd, &sb) == 0 &&
	    (uint64_t)sb.st_size + FULL_BELOW > (uint64_t)rl.rlim_cur)
		return STORE_DISKFULL;
	return err;
}

/* --- transactions ------------------------------------------------------- */

static int
begin(store *st, bool write, MDB_txn **txn)
{
	for (int tries = 0; tries < 4; tries++) {
		int rc = mdb_txn_begin(st->env, NULL, write ? 0 : MDB_RDONLY, txn);
		if (rc != MDB_MAP_RESIZED)
			return store_map_error(rc);
		/* another process grew the map: adopt its size */
		rc = mdb_env_set_mapsize(st->env, 0);
		if (rc)
			return store_map_error(rc);
	}
	return STORE_BUSY;
}

int
store_read(store *st, int (*fn)(store_txn *t, void *ctx), void *ctx)
{
	store_txn t = {.st = st, .may_view = true};
	int err = begin(st, false, &t.txn);
	if (err)
		return err;
	int rc = fn(&t, ctx);
	if (t.view)
		mdb_cursor_close(t.view);
	mdb_txn_abort(t.txn);
	return t.err ? t.err : rc;
}

static MDB_cursor *
bulk_cursor(store_txn *t, int which, MDB_dbi dbi)
{
	if (!t->pend)
		return NULL;
	if (!t->bulk_cur[which] && mdb_cursor_open(t->txn, dbi, &t->bulk_cur[which]))
		t->bulk_cur[which] = NULL;
	return t->bulk_cur[which];
}

int
store_bulk_get(store_txn *t, int which, MDB_dbi dbi, MDB_val *k, MDB_val *d)
{
	MDB_cursor *c = bulk_cursor(t, which, dbi);
	return c ? mdb_cursor_get(c, k, d, MDB_SET) : mdb_get(t->txn, dbi, k, d);
}

int
store_bulk_put(store_txn *t, int which, MDB_dbi dbi, MDB_val *k, MDB_val *d, unsigned flags)
{
	MDB_cursor *c = bulk_cursor(t, which, dbi);
	return c ? mdb_cursor_put(c, k, d, flags) : mdb_put(t->txn, dbi, k, d, flags);
}

void
store_bulk_end(store_txn *t)
{
	for (int i = 0; i < STORE_BULK_CURSORS; i++)
		if (t->bulk_cur[i]) {
			mdb_cursor_close(t->bulk_cur[i]);
			t->bulk_cur[i] = NULL;
		}
}

int
store_write(store *st, int (*fn)(store_txn *t, void *ctx), void *ctx)
{
	if (st->rdonly)
		return STORE_PERM;
	for (;;) {
		store_txn t = {.st = st, .write = true};
		int err = begin(st, true, &t.txn);
		if (err)
			return err;
		int rc = fn(&t, ctx);
		err = t.err;
		if (!err && rc && rc != STORE_STOP)
			err = rc;
		if (!err)
			err = store_index_flush(&t, 0);
		if (!err)
			err = store_meta_flush(&t);
		store_bulk_end(&t);
		store_index_pending_free(&t);
		store_meta_pending_free(&t);
		if (!err) {
			err = io_or_full(st, store_map_error(mdb_txn_commit(t.txn)));
			if (!err)
				return rc;
		} else {
			mdb_txn_abort(t.txn);
		}
		if (err != STORE_MAPFULL)
			return err;
		err = grow(st);
		if (err)
			return err;
	}
}

uint64_t
store_last_txn(store *st)
{
	MDB_envinfo info;
	if (mdb_env_info(st->env, &info))
		return 0;
	return (uint64_t)info.me_last_txnid;
}
