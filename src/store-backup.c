/* store-backup.c: the database as one file and back: the census of what
 * a database holds, the backup (LMDB's compacting copy, sealed with a
 * trailer: magic, schema, length, SHA-256), a restore staged beside the
 * database and checked whole, then put in place under a lock on the
 * whole lock.mdb, so never while a program has the database open. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sha256.h"
#include "store-internal.h"
#include "util.h"

static int
census_txn(store_txn *t, void *ctx)
{
	struct store_census *c = ctx;
	memset(c, 0, sizeof *c);
	if (store_meta_get_u64(t, "schema", &c->schema))
		return t->err;
	MDB_cursor *cur;
	if (store_txn_rc(t, mdb_cursor_open(t->txn, t->st->rec, &cur)))
		return t->err;
	MDB_val k, d;
	int rc;
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (k.mv_size != REC_KEYLEN) {
			store_txn_fail(t, STORE_CORRUPT);
			break;
		}
		c->by_kind[((unsigned char *)k.mv_data)[0]]++;
		c->records++;
	}
	store_cursor_end(t, cur, rc);
	for (int kind = 0; kind < 256 && !t->err; kind++) {
		char name[STORE_COUNT_NAME];
		uint64_t n;
		store_count_name(name, kind);
		if (!store_meta_get_u64(t, name, &n) && n != c->by_kind[kind])
			c->miscounted++;
	}
	if (!t->err && t->st->have_audit) {
		rc = store_audit_last_key(t, &k, &d);
		if (rc == 0 && k.mv_size == 8)
			c->audit_entries = be_get64(k.mv_data);
		else if (rc == 0)
			store_txn_fail(t, STORE_CORRUPT);
		else if (rc != MDB_NOTFOUND)
			store_txn_rc(t, rc);
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

/* A new empty file at path for writing (*fd); one left there by a run
 * that was stopped goes first: it is never part of a good one. */
static int
open_fresh(const char *path, mode_t mode, int *fd)
{
	*fd = -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return store_map_error(errno);
	if ((*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0)
		return store_map_error(errno);
	return 0;
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

/* The SHA-256 of the first len bytes of in (sum), each piece written to
 * out as well unless out is -1. */
static int
hash_copy(int in, uint64_t len, int out, unsigned char sum[SHA256_LEN])
{
	size_t bufsize = (size_t)1 << 20;
	unsigned char *buf = malloc(bufsize);
	if (!buf)
		return STORE_NOMEM;
	struct sha256 h;
	sha256_init(&h);
	int err = 0;
	for (uint64_t off = 0; !err && off < len;) {
		size_t n = len - off < bufsize ? (size_t)(len - off) : bufsize;
		err = pread_all(in, buf, n, off);
		if (!err) {
			sha256_update(&h, buf, n);
			if (out >= 0)
				err = write_all(out, buf, n);
		}
		off += n;
	}
	free(buf);
	sha256_final(&h, sum);
	return err;
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
		*schema = be_get64(d.mv_data);
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
	unsigned char tr[STORE_TRAILER_LEN] = {0};
	err = hash_copy(fd, len, -1, tr + 32);
	if (err == STORE_BADBACKUP)
		err = STORE_IO;  /* our own file shrank under us */
	memcpy(tr, trailer_magic, 16);
	be_put32(tr + 16, 1);  /* trailer format */
	be_put32(tr + 20, (uint32_t)schema);
	be_put64(tr + 24, len);
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
	if (!err)
		err = open_fresh(tmp, 0600, &fd);
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
	if (!err && (memcmp(tr, trailer_magic, 16) != 0 || be_get32(tr + 16) != 1 ||
	             be_get64(tr + 24) != len))
		err = STORE_BADBACKUP;
	if (!err && be_get32(tr + 20) > STORE_SCHEMA)
		err = STORE_NEWER;
	if (!err && stat(dir, &sb) < 0) {
		if (errno != ENOENT)
			err = store_map_error(errno);
		else if ((err = store_mkdir_p(dir)) != 0)
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
	if (!err)
		err = open_fresh(out_path, 0660, &out);
	unsigned char sum[SHA256_LEN];
	if (!err)
		err = hash_copy(in, len, out, sum);
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
