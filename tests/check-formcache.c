/* check-formcache.c: the cache of the parsed forms (form-cache.c): the
 * set read from it is the set parsed, field by field; a cache damaged,
 * cut short, of another format or of other forms is ignored and written
 * again; a symbolic link planted where it goes is not followed; a
 * setgid run and the forms a township sent use none.
 *
 * The forms are a copy of forms/ and one form more (every property a
 * field can have) in a folder of their own, three seconds old before the
 * first load (a cache is written only from files that have stood still
 * for two); the cache goes under $XDG_CACHE_HOME (tests/cache, set by
 * the harness), in a folder of this run. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "form.h"
#include "paths.h"

static char forms[PATH_MAX];     /* the copy of the forms */
static char cachehome[PATH_MAX];

/* snprintf into an array, which must hold it all */
#define FMT(buf, ...) ck_assert((size_t)snprintf((buf), sizeof(buf), __VA_ARGS__) < sizeof(buf))

static const char extra_form[] =
	"form extra\n"
	"title Extra\n"
	"kind resident\n"
	"version 3\n"
	"list name code\n"
	"retired oldf Old field\n"
	"choices mine\n"
	"  a Alpha\n"
	"  b Beta\n"
	"choices grp_v1\n"
	"  g1 First group\n"
	"field name\n"
	"  type text\n"
	"  label Name\n"
	"  hint Your name\n"
	"  required yes\n"
	"  length 2..20\n"
	"field code\n"
	"  type text\n"
	"  label Code\n"
	"  pattern [A-Z]{2}[0-9]+\n"
	"  sensitive yes\n"
	"field idnum\n"
	"  type idnum\n"
	"  label ID\n"
	"field age\n"
	"  type calculate\n"
	"  label Age\n"
	"  calculation age(idnum)\n"
	"field n\n"
	"  type decimal\n"
	"  label N\n"
	"  range 0..99.5\n"
	"  relevant code set\n"
	"field pick\n"
	"  type select_one mine\n"
	"  label Pick\n"
	"  default a\n"
	"field sex\n"
	"  type select_one sex\n"
	"  label Sex\n"
	"field village\n"
	"  type reference village\n"
	"  label Village\n"
	"field grp\n"
	"  type text\n"
	"  label Group\n"
	"  choices_by village\n"
	"  carry grp\n"
	"field helpers\n"
	"  type amounts volunteer\n"
	"  label Helpers\n"
	"field note\n"
	"  type note\n"
	"  label Note\n"
	"  readonly yes\n"
	"  relevant pick = b\n";

static void
write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

static char *
read_all(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(1 << 22);
	*n = fread(buf, 1, 1 << 22, f);
	fclose(f);
	return buf;
}

static void
copy_file(const char *from, const char *to)
{
	size_t n;
	char *buf = read_all(from, &n);
	ck_assert_ptr_nonnull(buf);
	write_file(to, buf, n);
	free(buf);
}

/* A copy of the forms (and extra.form) in a fresh folder, and a cache
 * home of its own; then three seconds, so the copy has stood still. */
static void
setup(void)
{
	const char *src = getenv("SHEGONG_FORMSDIR");
	const char *home = getenv("XDG_CACHE_HOME");
	ck_assert_msg(src && home, "run by make check: SHEGONG_FORMSDIR and XDG_CACHE_HOME");
	mkdir(home, 0700);
	FMT(cachehome, "%s/formcache-XXXXXX", home);
	ck_assert_ptr_nonnull(mkdtemp(cachehome));
	setenv("XDG_CACHE_HOME", cachehome, 1);
	FMT(forms, "/tmp/check-formcache-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(forms));
	DIR *d = opendir(src);
	ck_assert_ptr_nonnull(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char from[PATH_MAX + 256], to[PATH_MAX + 256];
		FMT(from, "%s/%s", src, e->d_name);
		FMT(to, "%s/%s", forms, e->d_name);
		struct stat st;
		if (stat(from, &st) == 0 && S_ISREG(st.st_mode))
			copy_file(from, to);
	}
	closedir(d);
	char extra[PATH_MAX + 32];
	FMT(extra, "%s/extra.form", forms);
	write_file(extra, extra_form, strlen(extra_form));
	sleep(3);
}

static void
teardown(void)
{
	char cmd[2 * PATH_MAX + 32];
	FMT(cmd, "rm -rf '%s' '%s'", forms, cachehome);
	if (system(cmd) != 0)
		fprintf(stderr, "check-formcache: could not remove %s\n", forms);
}

static bool
same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

#define EQ_STR(a, b, what)                                                                  \
	ck_assert_msg(same_str((a), (b)), "%s %s: \"%s\" against \"%s\"", f->name, (what),       \
	              (a) ? (a) : "(null)", (b) ? (b) : "(null)")

static void
same_choices(const struct form *f, const struct form_choices *a, const struct form_choices *b)
{
	EQ_STR(a->name, b->name, "list name");
	ck_assert_int_eq(a->line, b->line);
	ck_assert_uint_eq(a->n, b->n);
	for (size_t k = 0; k < a->n; k++) {
		EQ_STR(a->items[k].value, b->items[k].value, a->name);
		EQ_STR(a->items[k].label, b->items[k].label, a->name);
	}
}

/* Where a field's list is: its place in the form's own lists (0, 1 ...),
 * or in the shared ones (-1, -2 ...), or none (-1000000). */
static long
list_place(const struct form *f, const struct form *shared, const struct form_choices *c)
{
	if (!c)
		return -1000000;
	if (c >= f->choices && c < f->choices + f->nchoices)
		return c - f->choices;
	ck_assert_ptr_nonnull(shared);
	ck_assert(c >= shared->choices && c < shared->choices + shared->nchoices);
	return -1 - (c - shared->choices);
}

static void
same_form(const struct form *f, const struct form *g, const struct form *fshared,
          const struct form *gshared)
{
	EQ_STR(f->name, g->name, "name");
	EQ_STR(f->title, g->title, "title");
	EQ_STR(f->path, g->path, "path");
	ck_assert_int_eq(f->kind, g->kind);
	ck_assert_uint_eq(f->version, g->version);
	ck_assert_uint_eq(f->nchoices, g->nchoices);
	for (size_t i = 0; i < f->nchoices; i++)
		same_choices(f, &f->choices[i], &g->choices[i]);
	ck_assert_uint_eq(f->nfields, g->nfields);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *a = &f->fields[i], *b = &g->fields[i];
		EQ_STR(a->name, b->name, "field");
		EQ_STR(a->label, b->label, a->name);
		EQ_STR(a->hint, b->hint, a->name);
		ck_assert_int_eq(a->type, b->type);
		ck_assert_int_eq(a->required, b->required);
		ck_assert_int_eq(a->sensitive, b->sensitive);
		ck_assert_int_eq(a->readonly, b->readonly);
		ck_assert_int_eq(a->has_len, b->has_len);
		ck_assert_int_eq(a->has_range, b->has_range);
		ck_assert_int_eq(a->minlen, b->minlen);
		ck_assert_int_eq(a->maxlen, b->maxlen);
		ck_assert(a->min == b->min && a->max == b->max);
		EQ_STR(a->pattern, b->pattern, a->name);
		ck_assert_int_eq(a->has_re, b->has_re);
		if (a->has_re) {
			static const char *const tries[] = {"AB12", "ab12", "AB", "ABC1", ""};
			for (size_t k = 0; k < sizeof tries / sizeof tries[0]; k++)
				ck_assert_int_eq(regexec(&a->re, tries[k], 0, NULL, 0),
				                 regexec(&b->re, tries[k], 0, NULL, 0));
		}
		EQ_STR(a->dflt, b->dflt, a->name);
		EQ_STR(a->calc, b->calc, a->name);
		EQ_STR(a->calc_arg, b->calc_arg, a->name);
		ck_assert_int_eq(a->rel_op, b->rel_op);
		EQ_STR(a->rel_field, b->rel_field, a->name);
		EQ_STR(a->rel_value, b->rel_value, a->name);
		ck_assert_int_eq(list_place(f, fshared, a->choices), list_place(g, gshared, b->choices));
		EQ_STR(a->choices_name, b->choices_name, a->name);
		ck_assert_int_eq(a->ref_kind, b->ref_kind);
		ck_assert_int_eq(a->ref_level, b->ref_level);
		EQ_STR(a->carry, b->carry, a->name);
		EQ_STR(a->choices_by, b->choices_by, a->name);
		ck_assert_int_eq(a->line, b->line);
	}
	ck_assert_uint_eq(f->nlist, g->nlist);
	for (size_t i = 0; i < f->nlist; i++)
		ck_assert_uint_eq(f->list[i], g->list[i]);
	ck_assert_uint_eq(f->nretired, g->nretired);
	for (size_t i = 0; i < f->nretired; i++) {
		EQ_STR(f->retired[i].name, g->retired[i].name, "retired");
		EQ_STR(f->retired[i].label, g->retired[i].label, "retired");
		ck_assert_int_eq(f->retired[i].line, g->retired[i].line);
	}
}

static void
same_set(const struct formset *a, const struct formset *b)
{
	ck_assert_uint_eq(a->nforms, b->nforms);
	ck_assert_int_eq(a->shared != NULL, b->shared != NULL);
	if (a->shared)
		same_form(a->shared, b->shared, NULL, NULL);
	for (size_t i = 0; i < a->nforms; i++)
		same_form(a->forms[i], b->forms[i], a->shared, b->shared);
}

static struct formset *
parsed(void)
{
	struct form_error err;
	struct formset *fs = formset_load(forms, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	return fs;
}

static struct formset *
cached(enum form_cache_use want)
{
	struct form_error err;
	struct formset *fs = formset_load_cached(forms, &err);
	ck_assert_msg(fs != NULL, "%s:%d: %s", err.file, err.line, err.msg);
	ck_assert_int_eq(form_cache_last(), want);
	return fs;
}

/* A fresh cache written from the forms, then read: both the set parsed. */
static char *
fresh_cache(void)
{
	char *path = form_cache_path(forms);
	ck_assert_ptr_nonnull(path);
	ck_assert(strncmp(path, cachehome, strlen(cachehome)) == 0);
	unlink(path);
	struct formset *p = parsed();
	struct formset *w = cached(FORM_CACHE_WRITTEN);
	same_set(p, w);
	struct formset *h = cached(FORM_CACHE_HIT);
	same_set(p, h);
	formset_free(p);
	formset_free(w);
	formset_free(h);
	return path;
}

START_TEST(test_cached_equals_parsed)
{
	char *path = fresh_cache();
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	/* the extra form came through whole, its pattern compiled again */
	struct formset *h = cached(FORM_CACHE_HIT);
	struct form *f = formset_find(h, "extra");
	ck_assert_ptr_nonnull(f);
	const struct form_field *code = form_field(f, "code");
	ck_assert(code->has_re);
	ck_assert_int_eq(regexec(&code->re, "AB12", 0, NULL, 0), 0);
	ck_assert_int_ne(regexec(&code->re, "A1", 0, NULL, 0), 0);
	ck_assert_str_eq(form_choice_label(form_field(f, "pick"), "b"), "Beta");
	ck_assert_ptr_eq(form_field(f, "sex")->choices->items,
	                 h->shared->choices[0].items);
	ck_assert_str_eq(form_extra_label(f, "oldf"), "Old field");
	formset_free(h);
	free(path);
}
END_TEST

/* A byte changed (in the body, in the key), the file cut short or
 * empty, another format, another folder's cache: each is ignored, the
 * forms parsed, and the cache written again. */
START_TEST(test_damaged_ignored)
{
	char *path = fresh_cache();
	size_t n;
	char *good = read_all(path, &n);
	ck_assert_ptr_nonnull(good);
	ck_assert_uint_gt(n, 200);
	/* another folder's cache: the same forms copied elsewhere */
	char other[PATH_MAX + 32];
	FMT(other, "%s-other", forms);
	char cmd[3 * PATH_MAX];
	FMT(cmd, "cp -rp '%s' '%s' && touch -d '1 hour ago' '%s'/*", forms, other,
	         other);
	ck_assert_int_eq(system(cmd), 0);
	sleep(3);
	struct form_error err;
	struct formset *o = formset_load_cached(other, &err);
	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(form_cache_last(), FORM_CACHE_WRITTEN);
	formset_free(o);
	char *opath = form_cache_path(other);
	size_t on;
	char *foreign = read_all(opath, &on);
	ck_assert_ptr_nonnull(foreign);
	for (int round = 0; round < 7; round++) {
		char *bad = malloc(n);
		memcpy(bad, good, n);
		size_t len = n;
		switch (round) {
		case 0: bad[n / 2] ^= 0x20; break;           /* in the body */
		case 1: bad[20] ^= 1; break;                 /* in the key */
		case 2: len = n / 2; break;                  /* cut short */
		case 3: len = 10; break;                     /* shorter than a header */
		case 4: len = 0; break;                      /* empty */
		case 5: bad[8]++; break;                     /* another format */
		case 6:                                      /* another folder's */
			free(bad);
			bad = malloc(on);
			memcpy(bad, foreign, on);
			len = on;
			break;
		}
		write_file(path, bad, len);
		chmod(path, 0600);
		free(bad);
		struct formset *p = parsed();
		struct formset *w = cached(FORM_CACHE_WRITTEN);
		same_set(p, w);
		size_t nn;
		char *again = read_all(path, &nn);
		ck_assert_msg(nn == n && memcmp(again, good, n) == 0, "round %d: not written again",
		              round);
		free(again);
		struct formset *h = cached(FORM_CACHE_HIT);
		same_set(p, h);
		formset_free(p);
		formset_free(w);
		formset_free(h);
	}
	/* a cache others may write is not trusted */
	ck_assert_int_eq(chmod(path, 0622), 0);
	formset_free(cached(FORM_CACHE_WRITTEN));
	formset_free(cached(FORM_CACHE_HIT));
	free(good);
	free(foreign);
	free(opath);
	FMT(cmd, "rm -rf '%s'", other);
	ck_assert_int_eq(system(cmd), 0);
	free(path);
}
END_TEST

/* A form changed after the cache was written: its change shows at once
 * (parsed; no cache is written from a file that changed just now). */
START_TEST(test_changed_forms_parsed)
{
	char *path = fresh_cache();
	char extra[PATH_MAX + 32];
	FMT(extra, "%s/extra.form", forms);
	char *text = strdup(extra_form);
	char *t = strstr(text, "title Extra");
	ck_assert_ptr_nonnull(t);
	memcpy(t, "title Exxra", 11);              /* the same size */
	write_file(extra, text, strlen(text));
	free(text);
	struct formset *fs = cached(FORM_CACHE_PARSED);
	ck_assert_str_eq(formset_find(fs, "extra")->title, "Exxra");
	formset_free(fs);
	/* a form file more: parsed too */
	char more[PATH_MAX + 32];
	FMT(more, "%s/more.form", forms);
	text = strdup(extra_form);
	memcpy(strstr(text, "form extra"), "form more ", 10);
	write_file(more, text, strlen(text));
	free(text);
	fs = cached(FORM_CACHE_PARSED);
	ck_assert_ptr_nonnull(formset_find(fs, "more"));
	formset_free(fs);
	unlink(more);
	write_file(extra, extra_form, strlen(extra_form));
	free(path);
}
END_TEST

/* A symbolic link where the cache goes: to a valid cache, it is not
 * read; to a file of the user's, nothing is written through it: the
 * link is replaced by the cache itself. */
START_TEST(test_symlink_not_followed)
{
	char *path = fresh_cache();
	char valid[PATH_MAX + 32], victim[PATH_MAX + 32];
	FMT(valid, "%s/valid-copy", cachehome);
	FMT(victim, "%s/victim", cachehome);
	ck_assert_int_eq(rename(path, valid), 0);
	ck_assert_int_eq(symlink(valid, path), 0);
	struct formset *p = parsed();
	struct formset *w = cached(FORM_CACHE_WRITTEN);
	same_set(p, w);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	formset_free(w);
	write_file(victim, "keep me", 7);
	unlink(path);
	ck_assert_int_eq(symlink(victim, path), 0);
	w = cached(FORM_CACHE_WRITTEN);
	same_set(p, w);
	size_t n;
	char *v = read_all(victim, &n);
	ck_assert_uint_eq(n, 7);
	ck_assert(memcmp(v, "keep me", 7) == 0);
	free(v);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	/* a dangling link: nothing made at its target */
	unlink(path);
	char gone[PATH_MAX + 32];
	FMT(gone, "%s/made-by-a-link", cachehome);
	ck_assert_int_eq(symlink(gone, path), 0);
	formset_free(w);
	w = cached(FORM_CACHE_WRITTEN);
	ck_assert_int_eq(lstat(gone, &st), -1);
	formset_free(w);
	formset_free(p);
	free(path);
}
END_TEST

/* A setgid run: no cache folder, nothing read or written there, even
 * with a valid cache in place. */
START_TEST(test_setgid_ignores)
{
	char *path = fresh_cache();
	struct stat before, after;
	ck_assert_int_eq(stat(path, &before), 0);
	if (geteuid() != 0) {
		fprintf(stderr, "check-formcache: setgid case skipped: only root can run with "
		        "its effective group apart from its real one\n");
		free(path);
		return;
	}
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* the real group nobody's, the effective one root's: a setgid run */
		if (setresgid(65534, 0, 0) != 0 || !paths_privileged())
			_exit(2);
		if (form_cache_path(forms) != NULL)
			_exit(3);
		struct form_error err;
		struct formset *fs = formset_load_cached(forms, &err);
		if (!fs || form_cache_last() != FORM_CACHE_OFF)
			_exit(4);
		formset_free(fs);
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_uint_eq(before.st_ino, after.st_ino);
	ck_assert(before.st_mtim.tv_sec == after.st_mtim.tv_sec &&
	          before.st_mtim.tv_nsec == after.st_mtim.tv_nsec);
	free(path);
}
END_TEST

/* The forms a township sent, in the database's folder: always parsed. */
START_TEST(test_db_forms_parsed)
{
	char db[PATH_MAX + 32];
	FMT(db, "%s-db", forms);
	char saved[PATH_MAX];
	FMT(saved, "%s", forms);
	ck_assert_int_eq(mkdir(db, 0700), 0);
	char dbforms[PATH_MAX + 64], cmd[3 * PATH_MAX];
	FMT(dbforms, "%s/forms", db);
	FMT(cmd, "cp -rp '%s' '%s' && touch -d '1 hour ago' '%s'/*", forms,
	         dbforms, dbforms);
	ck_assert_int_eq(system(cmd), 0);
	sleep(3);
	paths_use_db_forms(db);
	ck_assert_str_eq(paths_forms(), dbforms);
	FMT(forms, "%s", dbforms);
	formset_free(cached(FORM_CACHE_OFF));
	formset_free(cached(FORM_CACHE_OFF));
	char *path = form_cache_path(dbforms);
	struct stat st;
	ck_assert_int_eq(lstat(path, &st), -1);
	free(path);
	paths_use_db_forms(NULL);
	FMT(forms, "%s", saved);
	FMT(cmd, "rm -rf '%s'", db);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("formcache");
	TCase *tc = tcase_create("formcache");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cached_equals_parsed);
	tcase_add_test(tc, test_damaged_ignored);
	tcase_add_test(tc, test_changed_forms_parsed);
	tcase_add_test(tc, test_symlink_not_followed);
	tcase_add_test(tc, test_setgid_ignores);
	tcase_add_test(tc, test_db_forms_parsed);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
