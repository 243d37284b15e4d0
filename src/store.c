/* store.c: records and their index entries in one LMDB environment, with
 * sticky-error transactions, a map that grows by itself, and one place
 * where LMDB's and the system's errors become a worker's message.
 *
 * Key layout (see ARCHITECTURE.md):
 *   "meta"  text key -> value: "schema" u32 BE, "site" u64 BE,
 *           "seq" u64 BE (last sequence number this site gave out),
 *           "count/<kind>" u64 BE (records of that kind)
 *   "rec"   kind(1) site(8) seq(8) -> record encoding (record.c)
 *   "idx"   idx(1) kind(1) value -> record key, MDB_DUPSORT
 *   "draft" login -> a form being filled in (ui-form.c's encoding)
 *   "audit" seq u64 BE -> an audit entry (audit.c's encoding), append-only
 *   "chg"   change number u64 BE -> record key (17): the newest change of
 *           each record, numbered in the order they were made (meta
 *           "chgseq" holds the last number); and record key (17) -> its
 *           change number, so that a record's older entry is removed when it
 *           changes again.  Change numbers start with a zero byte and record
 *           keys with their kind (1 or more), so the numbered entries all
 *           sort first.  The exchange with other sites (sync.c) reads it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "i18n.h"
#include "index.h"
#include "sha256.h"
#include "store.h"

#define MAP_START ((size_t)32 << 20)
#if SIZE_MAX <= 0xFFFFFFFFu
/* A 32-bit process has about 3 GiB of address space for everything. */
#define MAP_LIMIT ((size_t)1 << 30)
#else
#define MAP_LIMIT ((size_t)1 << 40)
#endif

struct store {
	MDB_env *env;
	MDB_dbi meta, rec, idx, draft, audit, chg;
	bool have_draft, have_audit, have_chg;
	store_hook_fn hook;
	void *hook_ctx;
	store_policy_fn policy;
	void *policy_ctx;
	char *dir;
	char *user;
	uint64_t site;
	uint64_t schema;
	size_t maplimit;
	bool rdonly;
	bool shared;  /* a handle on the held environment (store_hold): env not ours */
};

/* The database held open for the whole run (store_hold): a setgid run
 * opens it with the group's rights, then gives the group up for good;
 * every later store_open of the same folder shares this environment. */
static struct {
	store *st;
	char *dir;
	int err;
} held;

struct store_txn {
	store *st;
	MDB_txn *txn;
	int err;
	bool write;
	bool trusted;  /* store_txn_trust */
};

/* --- errors -------------------------------------------------------- */

int
store_map_error(int rc)
{
	static const struct { int rc, err; } map[] = {
		{0, STORE_OK},
		{MDB_NOTFOUND, STORE_NOTFOUND},
		{MDB_KEYEXIST, STORE_EXISTS},
		{MDB_MAP_FULL, STORE_MAPFULL},
		{MDB_READERS_FULL, STORE_BUSY},
		{MDB_VERSION_MISMATCH, STORE_NOTDB},
		{MDB_INVALID, STORE_NOTDB},
		{MDB_INCOMPATIBLE, STORE_NOTDB},
		{MDB_CORRUPTED, STORE_CORRUPT},
		{MDB_PAGE_NOTFOUND, STORE_CORRUPT},
		{MDB_PANIC, STORE_CORRUPT},
		{MDB_TXN_FULL, STORE_TOOBIG},
		{MDB_BAD_VALSIZE, STORE_TOOBIG},
		{MDB_DBS_FULL, STORE_INVALID},
		{MDB_BAD_TXN, STORE_INVALID},
		{MDB_BAD_DBI, STORE_INVALID},
		{ENOSPC, STORE_DISKFULL},
		{EDQUOT, STORE_DISKFULL},
		{EFBIG, STORE_DISKFULL},
		{EACCES, STORE_PERM},
		{EPERM, STORE_PERM},
		{EROFS, STORE_PERM},
		{ENOENT, STORE_NODB},
		{ENOTDIR, STORE_NODB},
		{ENOMEM, STORE_NOMEM},
		{EAGAIN, STORE_BUSY},
		{EBUSY, STORE_BUSY},
		{EINVAL, STORE_INVALID},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].rc == rc)
			return map[i].err;
	return STORE_IO;
}

const char *
store_strerror(int err)
{
	static const char *const msg[] = {
		[STORE_OK] = N_("Done."),
		[STORE_NOTFOUND] = N_("No such record: it may have been deleted."),
		[STORE_EXISTS] = N_("This record is already there."),
		[STORE_CONFLICT] = N_("Someone else saved this record after you opened it. "
		                      "Your input is kept: open the record again and redo your change."),
		[STORE_NODB] = N_("There is no database here. Create one with \"shegong init\" "
		                  "or give the right folder with --db."),
		[STORE_NEWER] = N_("This database was made by a newer version of shegong. "
		                   "Install the newer version to open it."),
		[STORE_NOTDB] = N_("The files in this folder are not a shegong database, or were "
		                   "made by an incompatible program."),
		[STORE_CORRUPT] = N_("The database is damaged. Stop working, and ask the "
		                     "administrator to restore the latest backup."),
		[STORE_DISKFULL] = N_("The disk is full: nothing was saved. Free some space "
		                      "(or ask the administrator), then save again."),
		[STORE_MAPLIMIT] = N_("The database has reached the largest size this computer "
		                      "can handle: nothing was saved. Ask the administrator to "
		                      "move it to a 64-bit system."),
		[STORE_PERM] = N_("No permission to use the database. Ask the administrator to "
		                  "add your account to the shegong group."),
		[STORE_BUSY] = N_("Too many people are using the database at once. Wait a "
		                  "moment and try again."),
		[STORE_TOOBIG] = N_("This is too large to save in one piece. Shorten the text "
		                    "or import in smaller parts."),
		[STORE_NOMEM] = N_("The computer ran out of memory. Close other programs and "
		                   "try again."),
		[STORE_IO] = N_("The disk reported an error. Ask the administrator to check the "
		                "disk; your last change may not be saved."),
		[STORE_INVALID] = N_("Internal error in shegong: please report it."),
		[STORE_STOP] = N_("Stopped."),
		[STORE_DENIED] = N_("Your account may not see or change this record: it belongs to "
		                    "another village or unit, or your role does not allow it. Ask "
		                    "the administrator if it should."),
		[STORE_MAPFULL] = N_("The database is full."),
		[STORE_BADBACKUP] = N_("This file is not a whole shegong backup: it was cut short, "
		                       "damaged, or is another kind of file. Nothing was changed; "
		                       "use another backup."),
		[STORE_INUSE] = N_("Other programs have the database open (someone is working in "
		                   "shegong, or a backup is being made). Nothing was changed. Ask "
		                   "everyone to quit shegong, wait for the backup to finish, then "
		                   "try again."),
		[STORE_BADLOCK] = N_("The database's lock file (lock.mdb) is damaged, so nobody can "
		                     "open the database. The records themselves look whole. Tell the "
		                     "administrator: with everyone out of shegong, move lock.mdb aside "
		                     "and run \"shegong check\"."),
		[STORE_BADPATH] = N_("A backup may not be written into the database folder itself: "
		                     "give a file in another folder, best on another disk."),
	};
	if (err < 0 || (size_t)err >= sizeof msg / sizeof msg[0] || !msg[err])
		return _("Unknown database error.");
	return _(msg[err]);
}

/* --- helpers --------------------------------------------------------- */

static void
be64(unsigned char p[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
unbe64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* Record an LMDB failure in t, unless it already failed. */
static int
txn_rc(store_txn *t, int rc)
{
	if (rc && !t->err)
		t->err = store_map_error(rc);
	return rc ? t->err : 0;
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

static int
meta_get_u64(store_txn *t, const char *name, uint64_t *v)
{
	MDB_val k = {strlen(name), (void *)name}, d;
	int rc = mdb_get(t->txn, t->st->meta, &k, &d);
	if (rc == MDB_NOTFOUND) {
		*v = 0;
		return 0;
	}
	if (rc)
		return txn_rc(t, rc);
	if (d.mv_size != 8)
		return store_txn_fail(t, STORE_CORRUPT);
	*v = unbe64(d.mv_data);
	return 0;
}

static int
meta_put_u64(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	be64(b, v);
	MDB_val k = {strlen(name), (void *)name}, d = {8, b};
	return txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

static int
count_add(store_txn *t, int kind, int delta)
{
	char name[24];
	uint64_t n;
	snprintf(name, sizeof name, "count/%d", kind);
	if (meta_get_u64(t, name, &n))
		return t->err;
	if (delta < 0 && n == 0)
		return 0;
	return meta_put_u64(t, name, delta < 0 ? n - 1 : n + 1);
}

/* --- open and close ---------------------------------------------------- */

static int
mkdir_p(const char *dir)
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
		*site = 0;
		for (int i = 0; i < 6; i++)
			*site = (*site << 8) | b[i];
	} while (*site == 0);
	return 0;
}

/* --- the change log ("chg") ---------------------------------------------- */

#define CHG_LAST "chgseq"

/* Record that the record under key changed: it gets the next change
 * number, and its older entry (if any) goes. */
static int
chg_note(store_txn *t, const unsigned char key[REC_KEYLEN])
{
	store *st = t->st;
	if (t->err || !st->have_chg)
		return t->err;
	MDB_val rk = {REC_KEYLEN, (void *)key}, d;
	int rc = mdb_get(t->txn, st->chg, &rk, &d);
	if (rc == 0 && d.mv_size == 8) {
		unsigned char old[8];
		memcpy(old, d.mv_data, 8);
		MDB_val ok = {8, old};
		rc = mdb_del(t->txn, st->chg, &ok, NULL);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	} else if (rc == MDB_NOTFOUND) {
		rc = 0;
	}
	if (rc)
		return txn_rc(t, rc);
	uint64_t n;
	if (meta_get_u64(t, CHG_LAST, &n) || meta_put_u64(t, CHG_LAST, n + 1))
		return t->err;
	unsigned char nb[8];
	be64(nb, n + 1);
	MDB_val nk = {8, nb}, nd = {REC_KEYLEN, (void *)key}, rd = {8, nb};
	if (txn_rc(t, mdb_put(t->txn, st->chg, &nk, &nd, 0)))
		return t->err;
	return txn_rc(t, mdb_put(t->txn, st->chg, &rk, &rd, 0));
}

static int
chg_backfill(store *st, MDB_txn *txn)
{
	store_txn t = {.st = st, .txn = txn, .write = true};
	MDB_cursor *c;
	int rc = mdb_cursor_open(txn, st->rec, &c);
	if (rc)
		return store_map_error(rc);
	MDB_val k, d;
	st->have_chg = true;
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); !rc && !t.err;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (k.mv_size == REC_KEYLEN) {
			unsigned char key[REC_KEYLEN];
			memcpy(key, k.mv_data, REC_KEYLEN);
			chg_note(&t, key);
		}
	mdb_cursor_close(c);
	st->have_chg = false;
	if (t.err)
		return t.err;
	return rc == MDB_NOTFOUND ? 0 : store_map_error(rc);
}

/* Open the named databases, creating them and the meta entries when
 * asked; check the schema. */
static int
open_dbis(store *st, bool create, bool write)
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
	if (!rc)
		rc = mdb_dbi_open(txn, "idx", cf | MDB_DUPSORT, &st->idx);
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
				rc = chg_backfill(st, txn);
			st->have_chg = rc == 0;
		}
	}
	if (rc) {
		mdb_txn_abort(txn);
		return rc == MDB_NOTFOUND ? STORE_NODB : store_map_error(rc);
	}
	store_txn t = {.st = st, .txn = txn, .write = write};
	uint64_t schema, site;
	meta_get_u64(&t, "schema", &schema);
	meta_get_u64(&t, "site", &site);
	if (!t.err && schema == 0) {
		if (!create) {
			t.err = STORE_NODB;
		} else {
			t.err = new_site(&site);
			if (!t.err)
				meta_put_u64(&t, "schema", STORE_SCHEMA);
			if (!t.err)
				meta_put_u64(&t, "site", site);
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
	st->site = site;
	st->schema = schema;
	return store_map_error(mdb_txn_commit(txn));
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
		int e = mkdir_p(dir);
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
	store_txn t = {.st = st};
	int err = begin(st, false, &t.txn);
	if (err)
		return err;
	int rc = fn(&t, ctx);
	mdb_txn_abort(t.txn);
	return t.err ? t.err : rc;
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

/* --- records ------------------------------------------------------------ */

/* A record as stored, whatever the policy says. */
static int
get_raw(store_txn *t, const rec_id *id, record **out)
{
	*out = NULL;
	if (t->err)
		return t->err;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_get(t->txn, t->st->rec, &k, &d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return txn_rc(t, rc);
	if (record_decode(d.mv_data, d.mv_size, id, out) < 0)
		return store_txn_fail(t, STORE_CORRUPT);
	return STORE_OK;
}

static bool
may(store_txn *t, int op, const record *before, const record *after)
{
	store *st = t->st;
	return !st->policy || t->trusted || st->policy(op, before, after, st->policy_ctx);
}

int
store_get(store_txn *t, const rec_id *id, record **out)
{
	int err = get_raw(t, id, out);
	if (err || may(t, STORE_POLICY_READ, *out, NULL))
		return err;
	record_free(*out);
	*out = NULL;
	return STORE_DENIED;
}

struct idx_op {
	store_txn *t;
	MDB_val data;
	bool del;
};

static int
idx_apply(const unsigned char *key, size_t len, void *ctx)
{
	struct idx_op *op = ctx;
	MDB_val k = {len, (void *)key};
	int rc;
	if (op->del) {
		rc = mdb_del(op->t->txn, op->t->st->idx, &k, &op->data);
		if (rc == MDB_NOTFOUND)
			rc = 0;
	} else {
		rc = mdb_put(op->t->txn, op->t->st->idx, &k, &op->data, MDB_NODUPDATA);
		if (rc == MDB_KEYEXIST)
			rc = 0;
	}
	return txn_rc(op->t, rc);
}

static int
index_write(store_txn *t, const record *r, const unsigned char reckey[REC_KEYLEN], bool del)
{
	struct idx_op op = {t, {REC_KEYLEN, (void *)reckey}, del};
	int rc = index_each(r, idx_apply, &op);
	if (rc < 0)
		return store_txn_fail(t, STORE_NOMEM);
	return t->err;
}

static int
next_seq(store_txn *t, uint64_t *seq)
{
	uint64_t n;
	if (meta_get_u64(t, "seq", &n))
		return t->err;
	*seq = n + 1;
	return meta_put_u64(t, "seq", n + 1);
}

/* The end of a save: r's encoding under key, its index entries, its
 * change number, the hook (old: the version before, or NULL; freed). */
static int
write_record(store_txn *t, const record *r, record *old, const unsigned char key[REC_KEYLEN])
{
	store *st = t->st;
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	if (!enc) {
		record_free(old);
		return store_txn_fail(t, STORE_NOMEM);
	}
	MDB_val k = {REC_KEYLEN, (void *)key}, d = {len, enc};
	int rc = mdb_put(t->txn, st->rec, &k, &d, 0);
	free(enc);
	if (rc) {
		record_free(old);
		return txn_rc(t, rc);
	}
	if (!index_write(t, r, key, false) && !chg_note(t, key) && st->hook) {
		int h = st->hook(t, old ? STORE_HOOK_UPDATE : STORE_HOOK_CREATE, old, r, st->hook_ctx);
		if (h)
			store_txn_fail(t, h);
	}
	record_free(old);
	return t->err;
}

int
store_put(store_txn *t, record *r)
{
	if (t->err)
		return t->err;
	if (!t->write)
		return store_txn_fail(t, STORE_INVALID);
	store *st = t->st;
	int64_t now = (int64_t)time(NULL);
	record *old = NULL;
	unsigned char key[REC_KEYLEN];

	if (r->version == 0) {
		if (!may(t, STORE_POLICY_WRITE, NULL, r))
			return store_txn_fail(t, STORE_DENIED);
		if (r->id.seq == 0) {
			r->id.site = st->site;
			if (next_seq(t, &r->id.seq))
				return t->err;
		} else if (r->id.site == st->site) {
			uint64_t n;
			if (meta_get_u64(t, "seq", &n) ||
			    (r->id.seq > n && meta_put_u64(t, "seq", r->id.seq)))
				return t->err;
		}
		rec_id_to_key(&r->id, key);
		MDB_val k = {REC_KEYLEN, key}, d;
		int rc = mdb_get(t->txn, st->rec, &k, &d);
		if (rc == 0)
			return store_txn_fail(t, STORE_EXISTS);
		if (rc != MDB_NOTFOUND)
			return txn_rc(t, rc);
		char *by = strdup(st->user);
		char *by2 = strdup(st->user);
		if (!by || !by2) {
			free(by);
			free(by2);
			return store_txn_fail(t, STORE_NOMEM);
		}
		free(r->created_by);
		free(r->updated_by);
		r->created_by = by;
		r->updated_by = by2;
		r->created_at = r->updated_at = now;
		r->version = 1;
		if (count_add(t, r->id.kind, +1))
			return t->err;
	} else {
		int err = get_raw(t, &r->id, &old);
		if (err == STORE_NOTFOUND)
			return store_txn_fail(t, STORE_NOTFOUND);
		if (err)
			return err;
		if (!may(t, STORE_POLICY_WRITE, old, r)) {
			record_free(old);
			return store_txn_fail(t, STORE_DENIED);
		}
		if (old->version != r->version) {
			record_free(old);
			return store_txn_fail(t, STORE_CONFLICT);
		}
		rec_id_to_key(&r->id, key);
		/* old lives on until the hook has seen it */
		index_write(t, old, key, true);
		if (t->err) {
			record_free(old);
			return t->err;
		}
		char *by = strdup(st->user);
		if (!by) {
			record_free(old);
			return store_txn_fail(t, STORE_NOMEM);
		}
		free(r->updated_by);
		r->updated_by = by;
		r->updated_at = now;
		r->version++;
	}
	return write_record(t, r, old, key);
}

int
store_put_copy(store_txn *t, const record *r)
{
	if (t->err)
		return t->err;
	if (!t->write || r->version == 0 || r->id.seq == 0 || r->id.site == 0)
		return store_txn_fail(t, STORE_INVALID);
	store *st = t->st;
	record *old = NULL;
	int err = get_raw(t, &r->id, &old);
	if (err && err != STORE_NOTFOUND)
		return err;
	if (!may(t, STORE_POLICY_WRITE, old, r)) {
		record_free(old);
		return store_txn_fail(t, STORE_DENIED);
	}
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	if (old)
		index_write(t, old, key, true);
	else if (r->id.site == st->site) {
		uint64_t n;
		if (!meta_get_u64(t, "seq", &n) && r->id.seq > n)
			meta_put_u64(t, "seq", r->id.seq);
	}
	if (!old)
		count_add(t, r->id.kind, +1);
	if (t->err) {
		record_free(old);
		return t->err;
	}
	return write_record(t, r, old, key);
}

int
store_changes(store_txn *t, uint64_t after,
              int (*fn)(uint64_t n, const rec_id *id, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	if (!t->st->have_chg)
		return 0;
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->chg, &c)))
		return t->err;
	unsigned char from[8];
	be64(from, after + 1);
	MDB_val k = {8, from}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE), stop = 0;
	while (!rc && k.mv_size == 8 && d.mv_size == REC_KEYLEN) {
		rec_id id;
		rec_id_from_key(d.mv_data, &id);
		if ((stop = fn(unbe64(k.mv_data), &id, ctx)))
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (stop)
		return stop;
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : txn_rc(t, rc);
}

int
store_change_last(store_txn *t, uint64_t *n)
{
	*n = 0;
	if (t->err)
		return t->err;
	return meta_get_u64(t, CHG_LAST, n);
}

int
store_change_of(store_txn *t, const rec_id *id, uint64_t *n)
{
	*n = 0;
	if (t->err || !t->st->have_chg)
		return t->err;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_get(t->txn, t->st->chg, &k, &d);
	if (rc == MDB_NOTFOUND)
		return 0;
	if (rc)
		return txn_rc(t, rc);
	if (d.mv_size == 8)
		*n = unbe64(d.mv_data);
	return 0;
}

int
store_del(store_txn *t, const rec_id *id, uint32_t expect_version)
{
	if (t->err)
		return t->err;
	if (!t->write)
		return store_txn_fail(t, STORE_INVALID);
	record *old;
	int err = get_raw(t, id, &old);
	if (err)
		return store_txn_fail(t, err);
	if (!may(t, STORE_POLICY_WRITE, old, NULL)) {
		record_free(old);
		return store_txn_fail(t, STORE_DENIED);
	}
	if (expect_version && old->version != expect_version) {
		record_free(old);
		return store_txn_fail(t, STORE_CONFLICT);
	}
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(id, key);
	index_write(t, old, key, true);
	MDB_val k = {REC_KEYLEN, key};
	if (!t->err)
		txn_rc(t, mdb_del(t->txn, t->st->rec, &k, NULL));
	if (!t->err)
		count_add(t, id->kind, -1);
	if (!t->err && t->st->hook) {
		int h = t->st->hook(t, STORE_HOOK_DELETE, old, NULL, t->st->hook_ctx);
		if (h)
			store_txn_fail(t, h);
	}
	record_free(old);
	return t->err;
}

int
store_count(store_txn *t, int kind, size_t *n)
{
	char name[24];
	uint64_t v;
	snprintf(name, sizeof name, "count/%d", kind);
	if (meta_get_u64(t, name, &v))
		return t->err;
	*n = (size_t)v;
	return 0;
}

int
store_count_value(store_txn *t, int idx, int kind, const char *value, size_t *n)
{
	*n = 0;
	if (t->err)
		return t->err;
	unsigned char key[IDX_KEYMAX];
	size_t len = index_prefix(idx, kind, value, key);
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return t->err;
	MDB_val k = {len, key}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET);
	size_t count = 0;
	if (rc == 0)
		rc = mdb_cursor_count(c, &count);
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return txn_rc(t, rc);
	*n = (size_t)count;
	return 0;
}

int
store_scan(store_txn *t, int kind, const rec_id *after,
           int (*fn)(const record *r, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &c)))
		return t->err;
	unsigned char key[REC_KEYLEN] = {(unsigned char)kind};
	if (after)
		rec_id_to_key(after, key);
	MDB_val k = {REC_KEYLEN, key}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	if (rc == 0 && after && k.mv_size == REC_KEYLEN && memcmp(k.mv_data, key, REC_KEYLEN) == 0)
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	int ret = 0;
	while (rc == 0) {
		const unsigned char *kp = k.mv_data;
		if (k.mv_size != REC_KEYLEN || kp[0] != (unsigned char)kind)
			break;
		rec_id id;
		record *r;
		rec_id_from_key(kp, &id);
		if (record_decode(d.mv_data, d.mv_size, &id, &r) < 0) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		ret = may(t, STORE_POLICY_READ, r, NULL) ? fn(r, ctx) : 0;
		record_free(r);
		if (ret)
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return txn_rc(t, rc);
	return ret;
}

int
store_walk(store_txn *t, int idx, int kind, const char *prefix,
           const unsigned char *after_key, size_t after_len, const unsigned char *after_data,
           int (*fn)(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx),
           void *ctx)
{
	if (t->err)
		return t->err;
	unsigned char pre[IDX_KEYMAX];
	size_t plen = index_prefix(idx, kind, prefix, pre);
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &c)))
		return t->err;
	MDB_val k, d;
	int rc;
	if (after_key) {
		/* back to where the last page ended, then one step on */
		k = (MDB_val){after_len, (void *)after_key};
		d = (MDB_val){REC_KEYLEN, (void *)after_data};
		rc = mdb_cursor_get(c, &k, &d, MDB_GET_BOTH_RANGE);
		if (rc == 0 && d.mv_size == REC_KEYLEN && memcmp(d.mv_data, after_data, REC_KEYLEN) == 0)
			rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
		else if (rc == MDB_NOTFOUND) {
			/* that entry is gone: the next key on */
			k = (MDB_val){after_len, (void *)after_key};
			rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
			if (rc == 0 && k.mv_size == after_len && memcmp(k.mv_data, after_key, after_len) == 0)
				rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_NODUP);
		}
	} else {
		k = (MDB_val){plen, pre};
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	}
	int ret = 0;
	while (rc == 0) {
		if (k.mv_size < plen || memcmp(k.mv_data, pre, plen) != 0)
			break;
		if (d.mv_size != REC_KEYLEN) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		rec_id id;
		rec_id_from_key(d.mv_data, &id);
		ret = fn(&id, k.mv_data, k.mv_size, ctx);
		if (ret)
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return txn_rc(t, rc);
	return ret;
}

/* store_find is store_walk from the start, handing fn the value as text. */
struct find_adapter {
	int (*fn)(const rec_id *id, const char *value, void *ctx);
	void *ctx;
};

static int
find_entry(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx)
{
	struct find_adapter *fa = ctx;
	char value[IDX_KEYMAX];
	memcpy(value, key + 2, keylen - 2);
	value[keylen - 2] = '\0';
	return fa->fn(id, value, fa->ctx);
}

int
store_find(store_txn *t, int idx, int kind, const char *prefix,
           int (*fn)(const rec_id *id, const char *value, void *ctx), void *ctx)
{
	struct find_adapter fa = {fn, ctx};
	return store_walk(t, idx, kind, prefix, NULL, 0, NULL, find_entry, &fa);
}

/* --- verification ------------------------------------------------------- */

struct verify {
	bool repair;
	size_t faults;
	void (*report)(const char *msg, void *ctx);
	void *rctx;
	MDB_cursor *c;
	MDB_val data;
	const record *r;
	store_txn *t;
	/* for the reverse check: does the record produce this key? */
	const unsigned char *want;
	size_t wantlen;
	bool found;
};

static void
fault(struct verify *v, const char *fmt, const char *a, const char *b)
{
	v->faults++;
	if (v->report) {
		char msg[512];
		snprintf(msg, sizeof msg, fmt, a, b);
		v->report(msg, v->rctx);
	}
}

static int
check_entry(const unsigned char *key, size_t len, void *ctx)
{
	struct verify *v = ctx;
	MDB_val k = {len, (void *)key}, d = v->data;
	int rc = mdb_cursor_get(v->c, &k, &d, MDB_GET_BOTH);
	if (rc == MDB_NOTFOUND) {
		char idbuf[REC_ID_TEXTMAX];
		fault(v, _("record %s lacks its %s index entry"),
		      rec_id_format(&v->r->id, idbuf), index_name(key[0]) ? index_name(key[0]) : "?");
		return 0;
	}
	return txn_rc(v->t, rc);
}

static int
verify_record(const record *r, void *ctx)
{
	struct verify *v = ctx;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	v->r = r;
	v->data = (MDB_val){REC_KEYLEN, key};
	int rc = index_each(r, check_entry, v);
	return rc < 0 ? store_txn_fail(v->t, STORE_NOMEM) : rc;
}

static int
match_key(const unsigned char *key, size_t len, void *ctx)
{
	struct verify *v = ctx;
	if (len == v->wantlen && memcmp(key, v->want, len) == 0)
		v->found = true;
	return 0;
}

static int
verify_txn(store_txn *t, void *ctx)
{
	struct verify *v = ctx;
	v->t = t;
	v->faults = 0;
	t->trusted = true;  /* integrity, not content: every record is checked */
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->idx, &v->c)))
		return t->err;
	/* every record has its entries */
	for (int kind = 1; kind < 256 && !t->err; kind++)
		store_scan(t, kind, NULL, verify_record, v);
	/* every entry belongs to a record that makes it */
	MDB_val k, d;
	int rc = mdb_cursor_get(v->c, &k, &d, MDB_FIRST);
	while (rc == 0 && !t->err) {
		char idbuf[REC_ID_TEXTMAX] = "?";
		rec_id id;
		record *r = NULL;
		if (d.mv_size != REC_KEYLEN || k.mv_size < 2) {
			fault(v, _("a malformed index entry%s%s"), "", "");
		} else {
			rec_id_from_key(d.mv_data, &id);
			rec_id_format(&id, idbuf);
			int err = store_get(t, &id, &r);
			if (err == STORE_NOTFOUND) {
				fault(v, _("index entry for missing record %s (%s)"), idbuf,
				      index_name(((unsigned char *)k.mv_data)[0]) ?
				      index_name(((unsigned char *)k.mv_data)[0]) : "?");
			} else if (r) {
				v->want = k.mv_data;
				v->wantlen = k.mv_size;
				v->found = false;
				index_each(r, match_key, v);
				if (!v->found)
					fault(v, _("stale index entry for record %s (%s)"), idbuf,
					      index_name(((unsigned char *)k.mv_data)[0]) ?
					      index_name(((unsigned char *)k.mv_data)[0]) : "?");
				record_free(r);
			}
		}
		rc = mdb_cursor_get(v->c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(v->c);
	if (rc && rc != MDB_NOTFOUND)
		txn_rc(t, rc);
	return t->err;
}

static int
reindex_record(const record *r, void *ctx)
{
	store_txn *t = ctx;
	unsigned char key[REC_KEYLEN];
	rec_id_to_key(&r->id, key);
	return index_write(t, r, key, false);
}

static int
repair_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	t->trusted = true;  /* every record is reindexed, whoever asks (an administrator) */
	if (txn_rc(t, mdb_drop(t->txn, t->st->idx, 0)))
		return t->err;
	for (int kind = 1; kind < 256 && !t->err; kind++) {
		size_t n = 0;
		char name[24];
		store_scan(t, kind, NULL, reindex_record, t);
		/* recount while we are here */
		MDB_cursor *c;
		if (txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &c)))
			break;
		unsigned char key[REC_KEYLEN] = {(unsigned char)kind};
		MDB_val k = {REC_KEYLEN, key}, d;
		int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		while (rc == 0 && ((unsigned char *)k.mv_data)[0] == kind) {
			n++;
			rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
		}
		mdb_cursor_close(c);
		snprintf(name, sizeof name, "count/%d", kind);
		if (n)
			meta_put_u64(t, name, n);
	}
	return t->err;
}

int
store_verify(store *st, bool repair, size_t *faults,
             void (*report)(const char *msg, void *ctx), void *ctx)
{
	struct verify v = {.repair = repair, .report = report, .rctx = ctx};
	int err = store_read(st, verify_txn, &v);
	*faults = v.faults;
	if (err || !repair || v.faults == 0)
		return err;
	return store_write(st, repair_txn, NULL);
}

/* --- saving records the caller keeps -------------------------------------- */

/* What store_put changes in a record, so that it can be put back. */
struct stamp {
	rec_id id;
	uint32_t version;
	int64_t created_at, updated_at;
	char *created_by, *updated_by;
};

struct save_ctx {
	record **rs;
	size_t n;
	struct stamp *before;
	int (*check)(store_txn *t, const record *r, void *ctx);
	void *check_ctx;
};

static int
stamp_take(struct stamp *s, const record *r)
{
	*s = (struct stamp){r->id, r->version, r->created_at, r->updated_at, NULL, NULL};
	if ((r->created_by && !(s->created_by = strdup(r->created_by))) ||
	    (r->updated_by && !(s->updated_by = strdup(r->updated_by))))
		return STORE_NOMEM;
	return 0;
}

/* Put r back as it was; the stamp keeps its strings. */
static int
stamp_restore(const struct stamp *s, record *r)
{
	char *cb = s->created_by ? strdup(s->created_by) : NULL;
	char *ub = s->updated_by ? strdup(s->updated_by) : NULL;
	if ((s->created_by && !cb) || (s->updated_by && !ub)) {
		free(cb);
		free(ub);
		return STORE_NOMEM;
	}
	free(r->created_by);
	free(r->updated_by);
	r->id = s->id;
	r->version = s->version;
	r->created_at = s->created_at;
	r->updated_at = s->updated_at;
	r->created_by = cb;
	r->updated_by = ub;
	return 0;
}

static int
save_txn(store_txn *t, void *ctx)
{
	struct save_ctx *sc = ctx;
	for (size_t i = 0; i < sc->n && !t->err; i++) {
		/* a retry after the map grew starts from the records as given */
		if (stamp_restore(&sc->before[i], sc->rs[i]))
			return store_txn_fail(t, STORE_NOMEM);
		int err = sc->check ? sc->check(t, sc->rs[i], sc->check_ctx) : 0;
		if (err)
			return store_txn_fail(t, err);
		store_put(t, sc->rs[i]);
	}
	return t->err;
}

int
store_save_checked(store *st, record **rs, size_t n,
                   int (*check)(store_txn *t, const record *r, void *ctx), void *ctx)
{
	struct save_ctx sc = {rs, n, calloc(n ? n : 1, sizeof *sc.before), check, ctx};
	if (!sc.before)
		return STORE_NOMEM;
	int err = 0;
	for (size_t i = 0; i < n && !err; i++)
		err = stamp_take(&sc.before[i], rs[i]);
	if (!err)
		err = store_write(st, save_txn, &sc);
	for (size_t i = 0; i < n; i++) {
		if (err)
			stamp_restore(&sc.before[i], rs[i]);
		free(sc.before[i].created_by);
		free(sc.before[i].updated_by);
	}
	free(sc.before);
	return err;
}

int
store_save_many(store *st, record **rs, size_t n)
{
	return store_save_checked(st, rs, n, NULL, NULL);
}

int
store_save(store *st, record *r)
{
	return store_save_many(st, &r, 1);
}

/* --- drafts ------------------------------------------------------------- */

/* A draft's value: 0xFF 'D' flags(1) generation(8 BE) owner(8 BE) then the
 * caller's bytes; flags bit 0 set when there is a draft (clear: only the
 * generation is kept, once the draft was taken back, saved or thrown
 * away).  A value from before generations (a form name first: never
 * 0xFF) is a draft of generation 0 and owner 0. */
#define DRAFT_HEAD 19
#define DRAFT_HAS 1

struct draft_op {
	const char *login;
	const void *data;
	size_t len;
	enum { DRAFT_GET, DRAFT_PUT, DRAFT_TAKE, DRAFT_DISCARD, DRAFT_DROP, DRAFT_DEL } op;
	const struct store_draft_mark *mark;  /* the caller's (put, take, drop) */
	void *out;
	size_t outlen;
	uint64_t gen;                         /* the generation it now holds */
};

static int
draft_write(store_txn *t, MDB_val *k, bool has, uint64_t gen, uint64_t owner,
            const void *data, size_t len)
{
	MDB_val v = {DRAFT_HEAD + (has ? len : 0), NULL};
	int rc = mdb_put(t->txn, t->st->draft, k, &v, MDB_RESERVE);
	if (txn_rc(t, rc))
		return t->err;
	unsigned char *p = v.mv_data;
	p[0] = 0xFF;
	p[1] = 'D';
	p[2] = has ? DRAFT_HAS : 0;
	be64(p + 3, gen);
	be64(p + 11, owner);
	if (has && len)
		memcpy(p + DRAFT_HEAD, data, len);
	return 0;
}

static int
draft_txn(store_txn *t, void *ctx)
{
	struct draft_op *d = ctx;
	store *st = t->st;
	free(d->out);   /* a run before the map grew */
	d->out = NULL;
	d->outlen = 0;
	if (!st->have_draft) {
		/* made on first use, so older databases need no migration */
		int rc = mdb_dbi_open(t->txn, "draft", t->write ? MDB_CREATE : 0, &st->draft);
		if (rc == MDB_NOTFOUND)
			return STORE_NOTFOUND;
		if (txn_rc(t, rc))
			return t->err;
	}
	MDB_val k = {strlen(d->login), (void *)d->login}, v;
	int rc = mdb_get(t->txn, st->draft, &k, &v);
	if (rc != MDB_NOTFOUND && txn_rc(t, rc))
		return t->err;
	/* what is there: a draft or not, its generation and owner, its bytes */
	bool there = rc == 0, has = there;
	uint64_t gen = 0, owner = 0;
	const unsigned char *body = there ? v.mv_data : NULL;
	size_t blen = there ? v.mv_size : 0;
	if (there && blen >= 2 && body[0] == 0xFF && body[1] == 'D') {
		if (blen < DRAFT_HEAD)
			return store_txn_fail(t, STORE_CORRUPT);
		has = body[2] & DRAFT_HAS;
		gen = unbe64(body + 3);
		owner = unbe64(body + 11);
		body += DRAFT_HEAD;
		blen -= DRAFT_HEAD;
	}
	d->gen = gen;
	const struct store_draft_mark *m = d->mark;
	switch (d->op) {
	case DRAFT_GET:
	case DRAFT_TAKE:
		if (!has)
			return STORE_NOTFOUND;
		d->out = malloc(blen ? blen : 1);
		if (!d->out)
			return store_txn_fail(t, STORE_NOMEM);
		memcpy(d->out, body, blen);
		d->outlen = blen;
		if (d->op == DRAFT_GET)
			return 0;
		/* the taker owns it now, under a generation no older writer holds */
		d->gen = gen + 1;
		return draft_write(t, &k, true, gen + 1, m->owner, d->out, blen);
	case DRAFT_PUT:
		if (m->held && m->gen != gen)
			return STORE_CONFLICT;   /* taken back or thrown away since */
		return draft_write(t, &k, true, gen, m->owner, d->data, d->len);
	case DRAFT_DISCARD:
		if (!there)
			return 0;
		d->gen = gen + 1;
		return draft_write(t, &k, false, gen + 1, 0, NULL, 0);
	case DRAFT_DROP:
		if (!has || !m->held || m->gen != gen || m->owner != owner)
			return 0;   /* not this writer's draft: left alone */
		return draft_write(t, &k, false, gen, 0, NULL, 0);
	default:
		if (!has)
			return 0;
		return draft_write(t, &k, false, gen, 0, NULL, 0);
	}
}

static int
draft_run(store *st, struct draft_op *d)
{
	int err = store_write(st, draft_txn, d);
	/* a table made in a transaction that did not commit is gone again */
	if (!err)
		st->have_draft = true;
	return err;
}

void
store_draft_mark_init(struct store_draft_mark *m)
{
	memset(m, 0, sizeof *m);
	/* unique to the writer among the sessions that may meet: the pid
	 * and a random number, never 0 (a draft of no owner) */
	unsigned char b[8] = {0};
	if (getrandom(b, sizeof b, GRND_NONBLOCK) != (ssize_t)sizeof b) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		uint64_t x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30);
		be64(b, x);
	}
	m->owner = unbe64(b) ^ ((uint64_t)getpid() << 40);
	if (!m->owner)
		m->owner = 1;
}

int
store_draft_put(store *st, const char *login, struct store_draft_mark *m, const void *data,
                size_t len)
{
	struct draft_op d = {login, data, len, DRAFT_PUT, m, NULL, 0, 0};
	int err = draft_run(st, &d);
	if (!err) {
		m->gen = d.gen;
		m->held = true;
	}
	return err;
}

int
store_draft_get(store *st, const char *login, void **data, size_t *len)
{
	struct draft_op d = {login, NULL, 0, DRAFT_GET, NULL, NULL, 0, 0};
	/* the first look may have to create the table, so it writes */
	int err = st->have_draft || st->rdonly ? store_read(st, draft_txn, &d)
	                                       : store_write(st, draft_txn, &d);
	if (!err && !st->rdonly)
		st->have_draft = true;
	*data = d.out;
	*len = d.outlen;
	return err;
}

int
store_draft_take(store *st, const char *login, struct store_draft_mark *m, void **data,
                 size_t *len)
{
	struct draft_op d = {login, NULL, 0, DRAFT_TAKE, m, NULL, 0, 0};
	int err = draft_run(st, &d);
	if (!err) {
		m->gen = d.gen;
		m->held = true;
	} else {
		free(d.out);
		d.out = NULL;
		d.outlen = 0;
	}
	*data = d.out;
	*len = d.outlen;
	return err;
}

int
store_draft_discard(store *st, const char *login)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DISCARD, NULL, NULL, 0, 0};
	return draft_run(st, &d);
}

int
store_draft_drop(store *st, const char *login, const struct store_draft_mark *m)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DROP, m, NULL, 0, 0};
	return draft_run(st, &d);
}

int
store_draft_del(store *st, const char *login)
{
	struct draft_op d = {login, NULL, 0, DRAFT_DEL, NULL, NULL, 0, 0};
	return draft_run(st, &d);
}

uint64_t
store_last_txn(store *st)
{
	MDB_envinfo info;
	if (mdb_env_info(st->env, &info))
		return 0;
	return (uint64_t)info.me_last_txnid;
}

/* --- the hook and the audit table ----------------------------------------------- */

void
store_set_policy(store *st, store_policy_fn fn, void *ctx)
{
	st->policy = fn;
	st->policy_ctx = ctx;
}

void
store_txn_trust(store_txn *t, bool on)
{
	t->trusted = on;
}

void
store_set_hook(store *st, store_hook_fn fn, void *ctx)
{
	st->hook = fn;
	st->hook_ctx = ctx;
}

int
store_audit_append(store_txn *t, const void *data, size_t len, uint64_t *seq)
{
	if (t->err)
		return t->err;
	if (!t->write || !t->st->have_audit)
		return store_txn_fail(t, STORE_INVALID);
	uint64_t last = 0;
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->audit, &c)))
		return t->err;
	MDB_val k, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == 0 && k.mv_size == 8)
		last = unbe64(k.mv_data);
	else if (rc && rc != MDB_NOTFOUND)
		return txn_rc(t, rc);
	unsigned char kb[8];
	be64(kb, last + 1);
	k = (MDB_val){8, kb};
	d = (MDB_val){len, (void *)data};
	/* MDB_APPEND: entries only ever go on the end */
	if (txn_rc(t, mdb_put(t->txn, t->st->audit, &k, &d, MDB_APPEND)))
		return t->err;
	if (seq)
		*seq = last + 1;
	return 0;
}

int
store_audit_last(store_txn *t, uint64_t *seq, void **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	*seq = 0;
	if (t->err)
		return t->err;
	if (!t->st->have_audit)
		return STORE_NOTFOUND;
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->audit, &c)))
		return t->err;
	MDB_val k, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_LAST);
	mdb_cursor_close(c);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return txn_rc(t, rc);
	if (k.mv_size != 8)
		return store_txn_fail(t, STORE_CORRUPT);
	*seq = unbe64(k.mv_data);
	*data = malloc(d.mv_size ? d.mv_size : 1);
	if (!*data)
		return store_txn_fail(t, STORE_NOMEM);
	memcpy(*data, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return 0;
}

int
store_audit_walk(store_txn *t, uint64_t from,
                 int (*fn)(uint64_t seq, const void *data, size_t len, void *ctx), void *ctx)
{
	if (t->err)
		return t->err;
	if (!t->st->have_audit)
		return 0;
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->audit, &c)))
		return t->err;
	unsigned char kb[8];
	be64(kb, from ? from : 1);
	MDB_val k = {8, kb}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	int ret = 0;
	while (rc == 0) {
		if (k.mv_size != 8) {
			ret = store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		ret = fn(unbe64(k.mv_data), d.mv_data, d.mv_size, ctx);
		if (ret)
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc && rc != MDB_NOTFOUND)
		return txn_rc(t, rc);
	return ret;
}

/* --- other modules' named values ---------------------------------------------------- */

static int
xname(char *buf, size_t size, const char *name)
{
	return (size_t)snprintf(buf, size, "x/%s", name) < size ? 0 : STORE_INVALID;
}

int
store_meta_put(store_txn *t, const char *name, const void *data, size_t len)
{
	char key[128];
	if (t->err)
		return t->err;
	if (!t->write || xname(key, sizeof key, name))
		return store_txn_fail(t, STORE_INVALID);
	MDB_val k = {strlen(key), key}, d = {len, (void *)data};
	return txn_rc(t, mdb_put(t->txn, t->st->meta, &k, &d, 0));
}

int
store_meta_get(store_txn *t, const char *name, void **data, size_t *len)
{
	char key[128];
	*data = NULL;
	*len = 0;
	if (t->err)
		return t->err;
	if (xname(key, sizeof key, name))
		return store_txn_fail(t, STORE_INVALID);
	MDB_val k = {strlen(key), key}, d;
	int rc = mdb_get(t->txn, t->st->meta, &k, &d);
	if (rc == MDB_NOTFOUND)
		return STORE_NOTFOUND;
	if (rc)
		return txn_rc(t, rc);
	*data = malloc(d.mv_size ? d.mv_size : 1);
	if (!*data)
		return store_txn_fail(t, STORE_NOMEM);
	memcpy(*data, d.mv_data, d.mv_size);
	*len = d.mv_size;
	return 0;
}

int
store_meta_each(store_txn *t, const char *prefix,
                int (*fn)(const char *name, const void *data, size_t len, void *ctx), void *ctx)
{
	char key[128];
	if (t->err)
		return t->err;
	if (xname(key, sizeof key, prefix))
		return store_txn_fail(t, STORE_INVALID);
	size_t plen = strlen(key);
	MDB_cursor *c;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->meta, &c)))
		return t->err;
	MDB_val k = {plen, key}, d;
	int rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE), stop = 0;
	while (!rc && k.mv_size >= plen && memcmp(k.mv_data, key, plen) == 0) {
		char name[128];
		size_t nl = k.mv_size - 2 < sizeof name - 1 ? k.mv_size - 2 : sizeof name - 1;
		memcpy(name, (const char *)k.mv_data + 2, nl);
		name[nl] = '\0';
		if ((stop = fn(name, d.mv_data, d.mv_size, ctx)))
			break;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (stop)
		return stop;
	return rc == MDB_NOTFOUND || rc == 0 ? 0 : txn_rc(t, rc);
}

/* --- census, backup and restore ---------------------------------------------------- */

static int
census_txn(store_txn *t, void *ctx)
{
	struct store_census *c = ctx;
	memset(c, 0, sizeof *c);
	if (meta_get_u64(t, "schema", &c->schema))
		return t->err;
	MDB_cursor *cur;
	if (txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &cur)))
		return t->err;
	MDB_val k, d;
	int rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST);
	for (; rc == 0; rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (k.mv_size != REC_KEYLEN) {
			store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		c->by_kind[((unsigned char *)k.mv_data)[0]]++;
		c->records++;
	}
	mdb_cursor_close(cur);
	if (rc && rc != MDB_NOTFOUND)
		txn_rc(t, rc);
	for (int kind = 0; kind < 256 && !t->err; kind++) {
		char name[24];
		uint64_t n;
		snprintf(name, sizeof name, "count/%d", kind);
		if (!meta_get_u64(t, name, &n) && n != c->by_kind[kind])
			c->miscounted++;
	}
	if (!t->err && t->st->have_audit) {
		if (txn_rc(t, mdb_cursor_open(t->txn, t->st->audit, &cur)))
			return t->err;
		rc = mdb_cursor_get(cur, &k, &d, MDB_LAST);
		if (rc == 0 && k.mv_size == 8)
			c->audit_entries = unbe64(k.mv_data);
		else if (rc == 0)
			store_txn_fail(t, STORE_CORRUPT);
		else if (rc != MDB_NOTFOUND)
			txn_rc(t, rc);
		mdb_cursor_close(cur);
	}
	return t->err;
}

int
store_census(store *st, struct store_census *c)
{
	return store_read(st, census_txn, c);
}

static const char trailer_magic[16] = "SHEGONG-BACKUP\n";  /* and its NUL */

/* "dir/name", malloc'd. */
static char *
path_join(const char *dir, const char *name)
{
	char *p;
	return asprintf(&p, "%s/%s", dir, name) < 0 ? NULL : p;
}

/* The folder path is in, malloc'd ("." for a bare name). */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

/* Flush a folder's entries (a rename) to the disk. */
static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return store_map_error(errno);
	int err = fsync(fd) < 0 ? store_map_error(errno) : 0;
	close(fd);
	return err;
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return store_map_error(n < 0 ? errno : EIO);
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read exactly len bytes at off. */
static int
pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return store_map_error(errno);
		if (n == 0)
			return STORE_BADBACKUP;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* The schema of an LMDB file as it stands, without the store's checks
 * (a doctored copy of a newer schema is sealed as such). */
static int
file_schema(const char *path, uint64_t *schema)
{
	MDB_env *env;
	MDB_txn *txn = NULL;
	MDB_dbi dbi;
	*schema = 0;
	int rc = mdb_env_create(&env);
	if (rc)
		return store_map_error(rc);
	mdb_env_set_maxdbs(env, 8);
	rc = mdb_env_open(env, path, MDB_NOSUBDIR | MDB_RDONLY | MDB_NOLOCK | MDB_NOTLS, 0600);
	if (!rc)
		rc = mdb_txn_begin(env, NULL, MDB_RDONLY, &txn);
	if (!rc)
		rc = mdb_dbi_open(txn, "meta", 0, &dbi);
	MDB_val k = {6, (void *)"schema"}, d;
	if (!rc)
		rc = mdb_get(txn, dbi, &k, &d);
	if (!rc && d.mv_size == 8)
		*schema = unbe64(d.mv_data);
	if (txn)
		mdb_txn_abort(txn);
	mdb_env_close(env);
	return rc == MDB_NOTFOUND || rc == MDB_INVALID ? STORE_NOTDB : store_map_error(rc);
}

int
store_backup_seal(const char *path)
{
	uint64_t schema;
	int err = file_schema(path, &schema);
	if (err)
		return err;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return store_map_error(errno);
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		err = store_map_error(errno);
		close(fd);
		return err;
	}
	uint64_t len = (uint64_t)sb.st_size;
	size_t bufsize = (size_t)1 << 20;
	unsigned char *buf = malloc(bufsize);
	if (!buf) {
		close(fd);
		return STORE_NOMEM;
	}
	struct sha256 h;
	sha256_init(&h);
	for (uint64_t off = 0; off < len && !err;) {
		size_t n = len - off < bufsize ? (size_t)(len - off) : bufsize;
		err = pread_all(fd, buf, n, off);
		if (err == STORE_BADBACKUP)
			err = STORE_IO;  /* our own file shrank under us */
		sha256_update(&h, buf, n);
		off += n;
	}
	free(buf);
	unsigned char tr[STORE_TRAILER_LEN] = {0};
	memcpy(tr, trailer_magic, 16);
	tr[19] = 1;  /* trailer format, u32 BE */
	for (int i = 0; i < 4; i++)
		tr[20 + i] = (unsigned char)(schema >> (24 - 8 * i));
	be64(tr + 24, len);
	sha256_final(&h, tr + 32);
	if (!err && lseek(fd, 0, SEEK_END) < 0)
		err = store_map_error(errno);
	if (!err)
		err = write_all(fd, tr, sizeof tr);
	if (!err && fsync(fd) < 0)
		err = store_map_error(errno);
	if (close(fd) < 0 && !err)
		err = store_map_error(errno);
	return err;
}

/* The compacting copy into fd, from one read transaction's snapshot.
 * When another process has grown the map meanwhile, the copy's read
 * transaction cannot begin: adopt the size and start again. */
static int
copy_compact(store *st, int fd)
{
	for (int tries = 0; tries < 4; tries++) {
		int rc = mdb_env_copyfd2(st->env, fd, MDB_CP_COMPACT);
		if (rc != MDB_MAP_RESIZED)
			return store_map_error(rc);
		if ((rc = mdb_env_set_mapsize(st->env, 0)) != 0)
			return store_map_error(rc);
		if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
			return store_map_error(errno);
	}
	return STORE_BUSY;
}

int
store_backup(store *st, const char *path, struct store_backup_info *info)
{
	memset(info, 0, sizeof *info);
	struct stat a, b;
	char *pdir = parent_of(path), *tmp = NULL, *live = path_join(st->dir, "data.mdb");
	int err = pdir && live ? 0 : STORE_NOMEM;
	if (!err && stat(pdir, &a) < 0)
		err = store_map_error(errno);
	if (!err && stat(st->dir, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
		err = STORE_BADPATH;
	if (!err && stat(live, &b) == 0)
		info->live_bytes = (uint64_t)b.st_size;
	if (!err && asprintf(&tmp, "%s.tmp", path) < 0) {
		tmp = NULL;
		err = STORE_NOMEM;
	}
	int fd = -1;
	if (!err) {
		/* left by a backup that was stopped: never part of a good one */
		if (unlink(tmp) < 0 && errno != ENOENT)
			err = store_map_error(errno);
		else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
			err = store_map_error(errno);
	}
	if (!err) {
		err = copy_compact(st, fd);
		if (close(fd) < 0 && !err)
			err = store_map_error(errno);
		if (!err)
			err = store_backup_seal(tmp);
		/* read it back as restore will: it opens, and what it holds */
		store *bk = NULL;
		if (!err)
			err = store_open(&bk, tmp, STORE_FILE);
		if (!err)
			err = store_census(bk, &info->census);
		store_close(bk);
		if (!err && stat(tmp, &a) < 0)
			err = store_map_error(errno);
		info->bytes = (uint64_t)a.st_size;
		if (!err && rename(tmp, path) < 0)
			err = store_map_error(errno);
		if (!err)
			err = fsync_dir(pdir);
		if (err)
			unlink(tmp);
	}
	free(pdir);
	free(live);
	free(tmp);
	return err;
}

int
store_restore_stage(const char *path, const char *dir, char **staged, bool *made_dir)
{
	*staged = NULL;
	*made_dir = false;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return store_map_error(errno);
	struct stat sb;
	unsigned char tr[STORE_TRAILER_LEN];
	int err = fstat(in, &sb) < 0 ? store_map_error(errno) : 0;
	/* two meta pages at the least, then the trailer */
	if (!err && (!S_ISREG(sb.st_mode) || sb.st_size < 2 * 512 + STORE_TRAILER_LEN))
		err = STORE_BADBACKUP;
	uint64_t len = 0;
	if (!err)
		len = (uint64_t)sb.st_size - STORE_TRAILER_LEN;
	if (!err)
		err = pread_all(in, tr, sizeof tr, len);
	if (!err && (memcmp(tr, trailer_magic, 16) != 0 || tr[16] || tr[17] || tr[18] ||
	             tr[19] != 1 || unbe64(tr + 24) != len))
		err = STORE_BADBACKUP;
	if (!err && ((uint32_t)tr[20] << 24 | (uint32_t)tr[21] << 16 | (uint32_t)tr[22] << 8 |
	             tr[23]) > STORE_SCHEMA)
		err = STORE_NEWER;
	if (!err && stat(dir, &sb) < 0) {
		if (errno != ENOENT)
			err = store_map_error(errno);
		else if ((err = mkdir_p(dir)) != 0)
			err = store_map_error(err);
		else
			*made_dir = true;
	} else if (!err && !S_ISDIR(sb.st_mode)) {
		err = STORE_NOTDB;
	}
	char *out_path = err ? NULL : path_join(dir, "data.mdb.restoring");
	if (!err && !out_path)
		err = STORE_NOMEM;
	int out = -1;
	if (!err) {
		if (unlink(out_path) < 0 && errno != ENOENT)
			err = store_map_error(errno);
		else if ((out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0660)) < 0)
			err = store_map_error(errno);
	}
	size_t bufsize = (size_t)1 << 20;
	unsigned char *buf = err ? NULL : malloc(bufsize);
	if (!err && !buf)
		err = STORE_NOMEM;
	struct sha256 h;
	sha256_init(&h);
	for (uint64_t off = 0; !err && off < len;) {
		size_t n = len - off < bufsize ? (size_t)(len - off) : bufsize;
		err = pread_all(in, buf, n, off);
		if (!err) {
			sha256_update(&h, buf, n);
			err = write_all(out, buf, n);
		}
		off += n;
	}
	free(buf);
	unsigned char sum[SHA256_LEN];
	sha256_final(&h, sum);
	if (!err && memcmp(sum, tr + 32, SHA256_LEN) != 0)
		err = STORE_BADBACKUP;
	if (out >= 0 && !err && fsync(out) < 0)
		err = store_map_error(errno);
	if (out >= 0 && close(out) < 0 && !err)
		err = store_map_error(errno);
	close(in);
	if (err) {
		if (out >= 0)
			unlink(out_path);
		free(out_path);
		if (*made_dir)
			rmdir(dir);
		*made_dir = false;
		return err;
	}
	*staged = out_path;
	return STORE_OK;
}

/* LMDB holds a shared lock on the lock file's first byte for as long as
 * an environment is open (fcntl record locks): a write lock on the whole
 * file is granted only when no program has it open.  An open file
 * description's lock (F_OFD_SETLK) also meets this process's own LMDB
 * lock, and closing it cannot drop that lock as a plain fcntl lock's
 * close would. */
#ifdef F_OFD_SETLK
#define LOCK_CMD F_OFD_SETLK
#else
#define LOCK_CMD F_SETLK
#endif

/* Open dir/lock.mdb (made when create) and try to lock it whole:
 * returns the descriptor, or -1 with *err (STORE_INUSE when others hold
 * it, STORE_OK when there is no lock file and !create). */
static int
lock_whole(const char *dir, bool create, int *err)
{
	char *lp = path_join(dir, "lock.mdb");
	*err = 0;
	if (!lp) {
		*err = STORE_NOMEM;
		return -1;
	}
	int fd = open(lp, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0660);
	free(lp);
	if (fd < 0) {
		*err = errno == ENOENT && !create ? 0 : store_map_error(errno);
		return -1;
	}
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	if (fcntl(fd, LOCK_CMD, &fl) < 0) {
		*err = errno == EAGAIN || errno == EACCES ? STORE_INUSE : store_map_error(errno);
		close(fd);
		return -1;
	}
	return fd;
}

int
store_in_use(const char *dir, bool *in_use)
{
	int err;
	int fd = lock_whole(dir, false, &err);
	*in_use = err == STORE_INUSE;
	if (fd >= 0)
		close(fd);
	return err == STORE_INUSE ? 0 : err;
}

int
store_restore_commit(const char *dir, const char *staged, char **kept)
{
	*kept = NULL;
	int err;
	int lfd = lock_whole(dir, true, &err);
	if (lfd < 0)
		return err;
	char *data = path_join(dir, "data.mdb"), *lp = path_join(dir, "lock.mdb");
	char *old = NULL;
	struct stat sb;
	err = data && lp ? 0 : STORE_NOMEM;
	if (!err && stat(data, &sb) == 0) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
		for (int n = 1; !err; n++) {
			free(old);
			if ((n == 1 ? asprintf(&old, "%s.before-restore-%s", data, stamp)
			            : asprintf(&old, "%s.before-restore-%s-%d", data, stamp, n)) < 0) {
				old = NULL;
				err = STORE_NOMEM;
			} else if (stat(old, &sb) < 0) {
				break;
			}
		}
		if (!err && rename(data, old) < 0)
			err = store_map_error(errno);
		if (err) {
			free(old);
			old = NULL;
		}
	}
	if (!err && rename(staged, data) < 0) {
		err = store_map_error(errno);
		if (old && rename(old, data) == 0) {
			free(old);
			old = NULL;
		}
	}
	if (!err) {
		/* The lock file describes the old data (its last transaction):
		 * the next program to open makes a new one.  One already waiting
		 * on this one finds it empty and fails, instead of reading the
		 * new data through the old numbers; run again, it opens. */
		unlink(lp);
		if (ftruncate(lfd, 0) < 0)
			err = store_map_error(errno);
		int e2 = fsync_dir(dir);
		if (!err)
			err = e2;
	}
	close(lfd);
	free(data);
	free(lp);
	*kept = old;
	return err;
}
