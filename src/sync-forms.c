/* sync-forms.c: the forms a township's file carries to its village PCs:
 * this side's forms folder read and hashed (what a file says it has),
 * and a file's forms unpacked, loaded and put in force on a village PC
 * (DIR/forms, the old kept as forms.old). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "form.h"
#include "paths.h"
#include "sha256.h"
#include "sync-internal.h"

bool
sync_forms_name(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > 64 || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return false;
	return strcmp(name, "choices") == 0 || strcmp(name, "visits") == 0 ||
	       (n > 5 && strcmp(name + n - 5, ".form") == 0) ||
	       (n > 7 && strcmp(name + n - 7, ".fields") == 0);
}

void
sync_forms_free(struct sync_forms *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->name[i]);
		free(f->data[i]);
	}
	free(f->name);
	free(f->data);
	free(f->len);
	memset(f, 0, sizeof *f);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SHA-256 (hex) of the files: each name, NUL, length (8 BE), bytes. */
static void
forms_hash(struct sync_forms *f)
{
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < f->n; i++) {
		unsigned char l[8];
		be_put64(l, f->len[i]);
		sha256_update(&h, f->name[i], strlen(f->name[i]) + 1);
		sha256_update(&h, l, 8);
		sha256_update(&h, f->data[i], f->len[i]);
	}
	unsigned char sum[SHA256_LEN];
	sha256_final(&h, sum);
	for (int k = 0; k < SHA256_LEN; k++)
		snprintf(f->hash + 2 * k, 3, "%02x", sum[k]);
}


int
sync_forms_read(const char *dir, struct sync_forms *f)
{
	memset(f, 0, sizeof *f);
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d)
		return 0;
	struct dirent *e;
	size_t cap = 0;
	int err = 0;
	while (!err && (e = readdir(d))) {
		if (!sync_forms_name(e->d_name))
			continue;
		if (!util_grow((void **)&f->name, &cap, f->n + 1, sizeof *f->name)) {
			err = STORE_NOMEM;
			break;
		}
		if (!(f->name[f->n] = strdup(e->d_name)))
			err = STORE_NOMEM;
		else
			f->n++;
	}
	closedir(d);
	if (!err && f->n) {
		qsort(f->name, f->n, sizeof *f->name, cmp_str);
		f->data = calloc(f->n, sizeof *f->data);
		f->len = calloc(f->n, sizeof *f->len);
		if (!f->data || !f->len)
			err = STORE_NOMEM;
	}
	for (size_t i = 0; i < f->n && !err; i++) {
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, f->name[i]) < 0) {
			err = STORE_NOMEM;
			break;
		}
		int fd = open(path, O_RDONLY);
		free(path);
		if (fd < 0 || sync_file_read_fd(fd, &f->data[i], &f->len[i], SYNC_MAX_BYTES)) {
			if (fd >= 0)
				close(fd);
			err = STORE_IO;
			break;
		}
		close(fd);
	}
	if (err) {
		sync_forms_free(f);
		return err;
	}
	if (f->n)
		forms_hash(f);
	return 0;
}

static int
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, e->d_name) >= 0) {
			unlink(p);
			free(p);
		}
	}
	closedir(d);
	return rmdir(dir);
}

/* The form files of a checked file (h) into dir (made), then loaded as
 * the program would: 0, or SYNC_ERR_FORMS with FILE:LINE and the fault. */
static int
forms_unpack(const unsigned char *buf, size_t len, const struct sync_header *h, const char *dir,
             char *why, size_t whysize)
{
	int err = 0;
	struct sync_rd r;
	sync_file_forms(buf, len, h, &r);
	remove_tree(dir);
	if (mkdir(dir, 0770) < 0)
		return store_map_error(errno);
	for (uint32_t i = 0; i < h->nforms && !err; i++) {
		char name[80], *path = NULL;
		const unsigned char *data;
		size_t n;
		sync_file_form(&r, name, &data, &n);
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			return STORE_NOMEM;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0660);
		free(path);
		if (fd < 0 || sync_file_write_fd(fd, data, n) || fsync(fd) < 0)
			err = STORE_IO;
		if (fd >= 0)
			close(fd);
	}
	if (!err) {
		struct form_error fe = {0};
		struct formset *fs = formset_load(dir, &fe);
		if (!fs) {
			if (why && whysize)
				snprintf(why, whysize, "%s\n%s:%d: %s", sync_strerror(SYNC_ERR_FORMS),
				         fe.file, fe.line, fe.msg);
			err = SYNC_ERR_FORMS;
		}
		formset_free(fs);
	}
	if (err)
		remove_tree(dir);
	return err;
}

int
sync_forms_stage(store *st, const unsigned char *buf, size_t len, const struct sync_header *h,
                 struct sync_forms_stage *s, char *why, size_t whysize)
{
	if (asprintf(&s->fnew, "%s/forms.new", store_dir(st)) < 0 ||
	    asprintf(&s->fcur, "%s/forms", store_dir(st)) < 0 ||
	    asprintf(&s->fold, "%s/forms.old", store_dir(st)) < 0)
		return STORE_NOMEM;
	return forms_unpack(buf, len, h, s->fnew, why, whysize);
}

int
sync_forms_finish(store *st, struct sync_forms_stage *s, bool take)
{
	int err = 0;
	if (s->fnew && take) {
		/* the township's forms in force here from now on, the old kept */
		remove_tree(s->fold);
		if ((rename(s->fcur, s->fold) < 0 && errno != ENOENT) || rename(s->fnew, s->fcur) < 0)
			err = store_map_error(errno);
		else
			paths_use_db_forms(store_dir(st));
	} else if (s->fnew) {
		remove_tree(s->fnew);
	}
	free(s->fnew);
	free(s->fcur);
	free(s->fold);
	memset(s, 0, sizeof *s);
	return err;
}
