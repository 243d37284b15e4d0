/* form-cache.c: the parsed form set kept in the user's cache folder, so
 * that a start reads one file instead of parsing every form file again
 * (issue 19: parsing was a tenth of the screen's start and a fifth to a
 * third of a command's).
 *
 * The cache file holds the set in a compact binary form behind a header
 * naming what it was made from: the SHA-256 of the build's format, the
 * program's own file (/proc/self/exe: a rebuild reads no cache of
 * another build), the forms folder, and for each form file there
 * (choices, *.form, *.fields) its name, inode, size, modification and
 * change times.  Hashing the files' contents would cost more than
 * parsing them (1.6 million instructions against 0.7 for the shipped
 * forms), and a file cannot change without its change time moving on; a
 * file changed within two seconds of the set being read is not trusted
 * to show it (its times may not have moved yet), so no cache is written
 * from it.  The file is written whole under a name of its own (O_EXCL,
 * O_NOFOLLOW, 0600) and renamed into place; read, every count, length
 * and index is checked against what is left of the file and against the
 * form's own lists, and a checksum over the body finds a damaged one.  Anything amiss (another
 * build, other forms, damage, a file not the user's own or not a file):
 * the forms are parsed, and the cache written again.
 *
 * Never in a setgid run (paths_cache gives no folder: a worker could
 * plant a cache there) nor for the forms a township sent
 * (paths_is_db_forms), which change under sync. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "form-internal.h"
#include "form.h"
#include "paths.h"
#include "sha256.h"
#include "util.h"

/* Changed whenever the layout below changes. */
#define CACHE_FORMAT 2u
#define CACHE_MAGIC "shgforms"
#define CACHE_MAX (16u << 20)     /* a cache file larger than this is damaged */
#define RACY_SECONDS 2

struct cache_header {
	char magic[8];
	uint32_t format;
	uint32_t order;               /* 0x01020304 as written: the byte order */
	unsigned char key[SHA256_LEN];
	uint64_t len;                 /* of the body after the header */
	uint64_t sum;                 /* body_sum of the body */
};

static enum form_cache_use last_use = FORM_CACHE_OFF;

enum form_cache_use
form_cache_last(void)
{
	return last_use;
}

/* A quick checksum of the body, eight bytes at a time: it finds a file
 * damaged or cut short, not one made to deceive (which only the user
 * could write, who can change the forms as well). */
static uint64_t
body_sum(const unsigned char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15u ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h ^ (h >> 32);
}

/* --- the key ---------------------------------------------------------------- */

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_form_file(const char *name)
{
	size_t l = strlen(name);
	if (name[0] == '.')
		return false;
	return strcmp(name, "choices") == 0 || (l > 5 && strcmp(name + l - 5, ".form") == 0) ||
	       (l > 7 && strcmp(name + l - 7, ".fields") == 0);
}

static void
hash_u64(struct sha256 *s, uint64_t v)
{
	sha256_update(s, &v, sizeof v);
}

/* The key of the forms in dir as they are now; *newest the latest time
 * any of their files changed.  False when the folder cannot be read. */
static bool
cache_key(const char *dir, unsigned char key[SHA256_LEN], time_t *newest)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	char **names = NULL;
	size_t n = 0, cap = 0;
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d))) {
		if (!is_form_file(e->d_name))
			continue;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 32;
			char **nn = realloc(names, nc * sizeof *nn);
			if (!nn) {
				ok = false;
				break;
			}
			names = nn;
			cap = nc;
		}
		if (!(names[n] = strdup(e->d_name)))
			ok = false;
		else
			n++;
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_name);
	struct sha256 s;
	sha256_init(&s);
	static const char build[] = "shegong form cache " PACKAGE_VERSION;
	sha256_update(&s, build, sizeof build);
	hash_u64(&s, CACHE_FORMAT);
	hash_u64(&s, sizeof(long) | sizeof(size_t) << 8 | sizeof(double) << 16 |
	                 sizeof(struct form_field) << 24);
	/* the program itself: a build of the same version whose types or
	 * lists were changed (a developer's) reads no cache of another */
	struct stat ex;
	if (stat("/proc/self/exe", &ex) == 0) {
		uint64_t id[] = {(uint64_t)ex.st_dev, (uint64_t)ex.st_ino, (uint64_t)ex.st_size,
		                 (uint64_t)ex.st_mtim.tv_sec * 1000000000u + (uint64_t)ex.st_mtim.tv_nsec};
		sha256_update(&s, id, sizeof id);
	}
	sha256_update(&s, dir, strlen(dir) + 1);
	*newest = 0;
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		if (ok && fstatat(dirfd(d), names[i], &st, 0) != 0)
			ok = false;
		if (ok) {
			/* the times in nanoseconds: 64 bits hold them till 2554 */
			uint64_t id[] = {(uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
			                 (uint64_t)st.st_mtim.tv_sec * 1000000000u + (uint64_t)st.st_mtim.tv_nsec,
			                 (uint64_t)st.st_ctim.tv_sec * 1000000000u + (uint64_t)st.st_ctim.tv_nsec};
			sha256_update(&s, names[i], strlen(names[i]) + 1);
			sha256_update(&s, id, sizeof id);
			if (st.st_mtim.tv_sec > *newest)
				*newest = st.st_mtim.tv_sec;
			if (st.st_ctim.tv_sec > *newest)
				*newest = st.st_ctim.tv_sec;
		}
		free(names[i]);
	}
	closedir(d);
	free(names);
	sha256_final(&s, key);
	return ok;
}

char *
form_cache_path(const char *dir)
{
	char *folder = paths_cache();
	if (!folder)
		return NULL;
	unsigned char h[SHA256_LEN];
	sha256(dir, strlen(dir), h);
	char *out = NULL;
	if (asprintf(&out, "%s/forms-%02x%02x%02x%02x%02x%02x%02x%02x", folder, h[0], h[1], h[2],
	             h[3], h[4], h[5], h[6], h[7]) < 0)
		out = NULL;
	free(folder);
	return out;
}

/* --- writing ---------------------------------------------------------------- */

/* A field's strings, in the order the file keeps them. */
enum { NFIELD_STRS = 12 };

static void
field_strs_get(const struct form_field *fd, const char *strs[NFIELD_STRS])
{
	const char *s[NFIELD_STRS] = {fd->name,      fd->label,     fd->hint,     fd->pattern,
	                              fd->dflt,      fd->calc,      fd->calc_arg, fd->rel_field,
	                              fd->rel_value, fd->choices_name, fd->carry, fd->choices_by};
	memcpy(strs, s, sizeof s);
}

static void
field_strs_set(struct form_field *fd, char *strs[NFIELD_STRS])
{
	char **d[NFIELD_STRS] = {&fd->name,      &fd->label,     &fd->hint,     &fd->pattern,
	                         &fd->dflt,      &fd->calc,      &fd->calc_arg, &fd->rel_field,
	                         &fd->rel_value, &fd->choices_name, &fd->carry, &fd->choices_by};
	for (size_t k = 0; k < NFIELD_STRS; k++)
		*d[k] = strs[k];
}

static void
put(struct strbuf *b, const void *p, size_t n)
{
	sb_add(b, p, n);
}

static void
put_u32(struct strbuf *b, uint32_t v)
{
	put(b, &v, sizeof v);
}

static void
put_i64(struct strbuf *b, int64_t v)
{
	put(b, &v, sizeof v);
}

static void
put_str(struct strbuf *b, const char *s)
{
	/* 0: none; else its length with its NUL, then it with its NUL */
	if (!s) {
		put_u32(b, 0);
		return;
	}
	size_t n = strlen(s) + 1;
	put_u32(b, (uint32_t)n);
	put(b, s, n);
}

/* Where a field's choice list is: 0 none, 1 the form's own, 2 the
 * shared ones; and its index there. */
static void
put_choices_ref(struct strbuf *b, const struct form *f, const struct form *shared,
                const struct form_choices *c)
{
	if (c && c >= f->choices && c < f->choices + f->nchoices) {
		put_u32(b, 1);
		put_u32(b, (uint32_t)(c - f->choices));
	} else if (c && shared && c >= shared->choices && c < shared->choices + shared->nchoices) {
		put_u32(b, 2);
		put_u32(b, (uint32_t)(c - shared->choices));
	} else {
		b->failed |= c != NULL;   /* a list of neither: keep no cache */
		put_u32(b, 0);
		put_u32(b, 0);
	}
}

static void
put_form(struct strbuf *b, const struct form *f, const struct form *shared)
{
	put_str(b, f->name);
	put_str(b, f->title);
	put_u32(b, (uint32_t)f->kind);
	put_u32(b, f->version);
	put_str(b, f->path);
	put_u32(b, (uint32_t)f->nchoices);
	for (size_t i = 0; i < f->nchoices; i++) {
		const struct form_choices *c = &f->choices[i];
		put_str(b, c->name);
		put_u32(b, (uint32_t)c->line);
		put_u32(b, (uint32_t)c->n);
		for (size_t k = 0; k < c->n; k++) {
			put_str(b, c->items[k].value);
			put_str(b, c->items[k].label);
		}
	}
	put_u32(b, (uint32_t)f->nfields);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		put_u32(b, (uint32_t)fd->type);
		put_u32(b, (uint32_t)(fd->required | fd->sensitive << 1 | fd->readonly << 2 |
		                      fd->has_len << 3 | fd->has_range << 4 | fd->has_re << 5));
		put_i64(b, fd->minlen);
		put_i64(b, fd->maxlen);
		put(b, &fd->min, sizeof fd->min);
		put(b, &fd->max, sizeof fd->max);
		put_u32(b, (uint32_t)fd->rel_op);
		put_choices_ref(b, f, shared, fd->choices);
		put_u32(b, (uint32_t)fd->ref_kind);
		put_u32(b, (uint32_t)fd->ref_level);
		put_u32(b, (uint32_t)fd->line);
		/* the strings it has, then those: most fields have few */
		const char *strs[NFIELD_STRS];
		field_strs_get(fd, strs);
		uint32_t mask = 0;
		for (size_t k = 0; k < NFIELD_STRS; k++)
			mask |= (uint32_t)(strs[k] != NULL) << k;
		put_u32(b, mask);
		for (size_t k = 0; k < NFIELD_STRS; k++)
			if (strs[k])
				put_str(b, strs[k]);
	}
	put_u32(b, (uint32_t)f->nlist);
	for (size_t i = 0; i < f->nlist; i++)
		put_u32(b, (uint32_t)f->list[i]);
	put_u32(b, (uint32_t)f->nretired);
	for (size_t i = 0; i < f->nretired; i++) {
		put_str(b, f->retired[i].name);
		put_str(b, f->retired[i].label);
		put_u32(b, (uint32_t)f->retired[i].line);
	}
}

/* mkdir of path, when it is not there: false when it is not a folder. */
static bool
make_dir(const char *path)
{
	if (mkdir(path, 0700) == 0)
		return true;
	struct stat st;
	return errno == EEXIST && lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder of path and the one above it, made (0700) when missing. */
static bool
make_dirs(const char *path)
{
	char *dir = strdup(path);
	char *slash = dir ? strrchr(dir, '/') : NULL;
	bool ok = false;
	if (slash && slash != dir) {
		*slash = '\0';
		char *up = strrchr(dir, '/');
		ok = make_dir(dir);
		if (!ok && up && up != dir) {
			*up = '\0';
			ok = make_dir(dir);
			*up = '/';
			ok = ok && make_dir(dir);
		}
	}
	free(dir);
	return ok;
}

/* Whether the cache was written. */
static bool
cache_write(const char *path, const unsigned char key[SHA256_LEN], const struct formset *fs)
{
	if (!make_dirs(path))
		return false;
	struct strbuf b = {0};
	struct cache_header h;
	memset(&h, 0, sizeof h);
	put(&b, &h, sizeof h);   /* filled in below */
	put_u32(&b, (uint32_t)fs->nforms);
	put_u32(&b, fs->shared != NULL);
	if (fs->shared)
		put_form(&b, fs->shared, NULL);
	for (size_t i = 0; i < fs->nforms; i++)
		put_form(&b, fs->forms[i], fs->shared);
	if (b.failed || b.len > CACHE_MAX) {
		sb_free(&b);
		return false;
	}
	memcpy(h.magic, CACHE_MAGIC, sizeof h.magic);
	h.format = CACHE_FORMAT;
	h.order = 0x01020304u;
	memcpy(h.key, key, SHA256_LEN);
	h.len = b.len - sizeof h;
	h.sum = body_sum((unsigned char *)b.p + sizeof h, b.len - sizeof h);
	memcpy(b.p, &h, sizeof h);
	static unsigned serial;
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.%ld.%u.tmp", path, (long)getpid(), serial++) < 0) {
		sb_free(&b);
		return false;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	size_t done = 0;
	while (ok && done < b.len) {
		ssize_t w = write(fd, b.p + done, b.len - done);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		if (ok)
			done += (size_t)w;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	/* rename puts the file in place of whatever is there, a symbolic
	 * link too, without following it */
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (fd >= 0 && !ok)
		unlink(tmp);
	free(tmp);
	sb_free(&b);
	return ok;
}

/* --- reading ---------------------------------------------------------------- */

struct reader {
	unsigned char *p;
	size_t left;
	bool bad;
};

static bool
take(struct reader *r, void *out, size_t n)
{
	if (r->bad || r->left < n) {
		r->bad = true;
		memset(out, 0, n);
		return false;
	}
	memcpy(out, r->p, n);
	r->p += n;
	r->left -= n;
	return true;
}

static uint32_t
get_u32(struct reader *r)
{
	uint32_t v;
	take(r, &v, sizeof v);
	return v;
}

static int64_t
get_i64(struct reader *r)
{
	int64_t v;
	take(r, &v, sizeof v);
	return v;
}

static int
get_int(struct reader *r)
{
	uint32_t v = get_u32(r);
	if (v > INT32_MAX)
		r->bad = true;
	return (int)v;
}

/* A count of things each taking at least min bytes: no more than what
 * is left could hold. */
static size_t
get_count(struct reader *r, size_t min)
{
	uint32_t n = get_u32(r);
	if (r->bad || n > r->left / min) {
		r->bad = true;
		return 0;
	}
	return n;
}

/* A string where it lies in the file read (see cache_read). */
static char *
get_str(struct reader *r)
{
	uint32_t n = get_u32(r);
	if (r->bad || n == 0)
		return NULL;
	if (n > r->left || r->p[n - 1] != '\0') {
		r->bad = true;
		return NULL;
	}
	char *s = (char *)r->p;
	r->p += n;
	r->left -= n;
	return s;
}

static struct form *
get_form(struct reader *r, const struct form *shared, bool is_shared)
{
	struct form *f = calloc(1, sizeof *f);
	if (!f) {
		r->bad = true;
		return NULL;
	}
	f->name = get_str(r);
	f->title = get_str(r);
	f->kind = get_int(r);
	f->version = get_u32(r);
	f->path = get_str(r);
	if (!f->path || (!is_shared && (!f->name || !f->title || !rec_kind_code(f->kind) ||
	                                !f->version)))
		r->bad = true;
	size_t nc = get_count(r, 12);
	if (!r->bad && nc && !(f->choices = malloc(nc * sizeof *f->choices)))
		r->bad = true;
	for (size_t i = 0; !r->bad && i < nc; i++) {
		struct form_choices *c = &f->choices[f->nchoices++];
		*c = (struct form_choices){0};
		c->name = get_str(r);
		c->line = get_int(r);
		size_t ni = get_count(r, 8);
		if (!c->name || !ni || !(c->items = malloc(ni * sizeof *c->items))) {
			r->bad = true;
			break;
		}
		for (size_t k = 0; !r->bad && k < ni; k++) {
			c->items[k].value = get_str(r);
			c->items[k].label = get_str(r);
			if (!c->items[k].value || !c->items[k].label)
				r->bad = true;
			c->n = k + 1;
		}
	}
	size_t nf = get_count(r, 72);
	if (!r->bad && (is_shared ? nf != 0 : nf == 0))
		r->bad = true;
	if (!r->bad && nf && !(f->fields = malloc(nf * sizeof *f->fields)))
		r->bad = true;
	for (size_t i = 0; !r->bad && i < nf; i++) {
		struct form_field *fd = &f->fields[f->nfields++];
		*fd = (struct form_field){0};
		uint32_t type = get_u32(r), flags = get_u32(r);
		fd->type = (enum field_type)type;
		fd->required = flags & 1;
		fd->sensitive = flags & 2;
		fd->readonly = flags & 4;
		fd->has_len = flags & 8;
		fd->has_range = flags & 16;
		bool has_re = flags & 32;
		fd->minlen = (long)get_i64(r);
		fd->maxlen = (long)get_i64(r);
		take(r, &fd->min, sizeof fd->min);
		take(r, &fd->max, sizeof fd->max);
		uint32_t rel = get_u32(r);
		fd->rel_op = (enum rel_op)rel;
		uint32_t owner = get_u32(r), idx = get_u32(r);
		fd->ref_kind = get_int(r);
		fd->ref_level = get_int(r);
		fd->line = get_int(r);
		uint32_t mask = get_u32(r);
		if (mask >> NFIELD_STRS)
			r->bad = true;
		char *strs[NFIELD_STRS];
		for (size_t k = 0; k < NFIELD_STRS; k++) {
			strs[k] = NULL;
			if (!r->bad && (mask >> k & 1) && !(strs[k] = get_str(r)))
				r->bad = true;
		}
		field_strs_set(fd, strs);
		if (r->bad)
			break;
		/* what the parser would never have let through */
		if (!fd->name || !fd->label || type < FT_TEXT || type > FT_AMOUNTS || flags > 63 ||
		    rel > REL_SET || (rel != REL_NONE && !fd->rel_field) || (has_re && !fd->pattern) ||
		    (fd->calc && !fd->calc_arg) || owner > 2 ||
		    (fd->ref_kind && !rec_kind_code(fd->ref_kind))) {
			r->bad = true;
			break;
		}
		if (owner == 1 && idx < f->nchoices)
			fd->choices = &f->choices[idx];
		else if (owner == 2 && shared && idx < shared->nchoices)
			fd->choices = &shared->choices[idx];
		else if (owner != 0)
			r->bad = true;
		if (!r->bad && (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE) &&
		    !fd->choices)
			r->bad = true;
		if (!r->bad && has_re) {
			char *anch;
			if (asprintf(&anch, "^(%s)$", fd->pattern) < 0) {
				r->bad = true;
				break;
			}
			fd->has_re = regcomp(&fd->re, anch, REG_EXTENDED | REG_NOSUB) == 0;
			free(anch);
			r->bad = !fd->has_re;
		}
	}
	size_t nl = get_count(r, 4);
	if (!r->bad && !is_shared && !nl)
		r->bad = true;
	if (!r->bad && nl && !(f->list = malloc(nl * sizeof *f->list)))
		r->bad = true;
	for (size_t i = 0; !r->bad && i < nl; i++) {
		uint32_t v = get_u32(r);
		if (v >= f->nfields)
			r->bad = true;
		else
			f->list[f->nlist++] = v;
	}
	size_t nr = get_count(r, 12);
	if (!r->bad && nr && !(f->retired = malloc(nr * sizeof *f->retired)))
		r->bad = true;
	for (size_t i = 0; !r->bad && i < nr; i++) {
		struct form_retired *rt = &f->retired[f->nretired++];
		*rt = (struct form_retired){0};
		rt->name = get_str(r);
		rt->label = get_str(r);
		rt->line = get_int(r);
		if (!rt->name || !rt->label)
			r->bad = true;
	}
	if (r->bad) {
		form_free(f);
		return NULL;
	}
	return f;
}

/* The whole file at path (a regular file of the user's own) in an arena
 * block of its own, *len its length; or NULL. */
static struct form_arena *
read_cache(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct stat st;
	struct form_arena *a = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
	    !(st.st_mode & (S_IWGRP | S_IWOTH)) && st.st_size >= (off_t)sizeof(struct cache_header) &&
	    st.st_size <= (off_t)CACHE_MAX && (a = malloc(sizeof *a + (size_t)st.st_size))) {
		size_t done = 0, want = (size_t)st.st_size;
		while (done < want) {
			ssize_t n = read(fd, a->mem + done, want - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		if (done != want) {
			free(a);
			a = NULL;
		}
		*len = done;
	}
	close(fd);
	if (a) {
		a->next = NULL;
		a->used = a->size = *len;
	}
	return a;
}

static struct formset *
cache_read(const char *path, const unsigned char key[SHA256_LEN])
{
	size_t len = 0;
	struct form_arena *a = read_cache(path, &len);
	if (!a)
		return NULL;
	unsigned char *buf = (unsigned char *)a->mem;
	struct cache_header h;
	memcpy(&h, buf, sizeof h);
	struct formset *fs = NULL;
	if (memcmp(h.magic, CACHE_MAGIC, sizeof h.magic) != 0 || h.format != CACHE_FORMAT ||
	    h.order != 0x01020304u || memcmp(h.key, key, SHA256_LEN) != 0 ||
	    h.len != len - sizeof h || body_sum(buf + sizeof h, len - sizeof h) != h.sum)
		goto out;
	struct reader r = {buf + sizeof h, len - sizeof h, false};
	size_t n = get_count(&r, 40);
	uint32_t has_shared = get_u32(&r);
	if (r.bad || has_shared > 1 || !(fs = calloc(1, sizeof *fs)))
		goto out;
	if (has_shared && !(fs->shared = get_form(&r, NULL, true)))
		r.bad = true;
	if (!r.bad && n && !(fs->forms = malloc(n * sizeof *fs->forms)))
		r.bad = true;
	for (size_t i = 0; !r.bad && i < n; i++) {
		struct form *f = get_form(&r, fs->shared, false);
		if (f)
			fs->forms[fs->nforms++] = f;
	}
	if (r.bad || r.left) {
		formset_free(fs);
		fs = NULL;
		goto out;
	}
	/* the strings stay in the block read: the shared lists' form holds
	 * it (formset_free frees it last), else the first form */
	struct form *owner = fs->shared ? fs->shared : fs->nforms ? fs->forms[0] : NULL;
	if (owner) {
		a->next = owner->arena;
		owner->arena = a;
		a = NULL;
	}
out:
	free(a);
	return fs;
}

/* --- the set ---------------------------------------------------------------- */

struct formset *
formset_load_cached(const char *dir, struct form_error *err)
{
	last_use = FORM_CACHE_OFF;
	char *path = paths_is_db_forms(dir) ? NULL : form_cache_path(dir);
	if (!path)
		return formset_load(dir, err);
	unsigned char key[SHA256_LEN];
	time_t newest;
	if (!cache_key(dir, key, &newest)) {
		free(path);
		return formset_load(dir, err);
	}
	struct formset *fs = cache_read(path, key);
	if (fs) {
		memset(err, 0, sizeof *err);
		last_use = FORM_CACHE_HIT;
		free(path);
		return fs;
	}
	fs = formset_load(dir, err);
	last_use = FORM_CACHE_PARSED;
	/* a file changed in the last moments may change again within the
	 * same tick of its clock, its times unchanged: not kept from it */
	if (fs && newest < time(NULL) - RACY_SECONDS && cache_write(path, key, fs))
		last_use = FORM_CACHE_WRITTEN;
	free(path);
	return fs;
}
