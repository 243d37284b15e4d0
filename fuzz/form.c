/* fuzz/form.c: libFuzzer target for the form file parser (form_parse, the
 * parser formset_load runs on each NAME.form): any text, read as a form
 * in the shipped forms folder, so "include service" finds service.fields
 * and the shared choice lists of forms/choices are offered.  A form that
 * parses must hold what the engine relies on (every field typed and
 * labelled, its choice list found, the list columns in range); its
 * defaults are then applied and the record checked by its own rules. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common.h"
#include "form.h"
#include "orgunit.h"

static struct formset *shipped;
static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct form_error err;
	shipped = formset_load(fuzz_formsdir(), &err);
	if (!shipped) {
		fprintf(stderr, "fuzz-form: %s:%d: %s\n", err.file, err.line, err.msg);
		exit(1);
	}
	if (asprintf(&path, "%s/fuzz.form", fuzz_formsdir()) < 0)
		exit(1);
	return 0;
}

static void
use(const struct form *f)
{
	FUZZ_CHECK(f->name && f->title && f->kind && f->version && f->nfields);
	FUZZ_CHECK(f->nlist > 0);
	for (size_t i = 0; i < f->nlist; i++)
		FUZZ_CHECK(f->list[i] < f->nfields);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		FUZZ_CHECK(fd->name && fd->label && fd->type);
		FUZZ_CHECK(form_field(f, fd->name) == fd);
		if (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE)
			FUZZ_CHECK(fd->choices && fd->choices->n > 0);
		if (fd->has_len)
			FUZZ_CHECK(fd->minlen >= 0 && fd->minlen <= fd->maxlen);
	}
	struct form_env env = {"fuzzer", "unit-3f9a2c71d0e4-3", "2026-03-15", false, UNIT_VILLAGE};
	record *r = record_new(f->kind);
	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(form_apply_defaults(f, r, &env) == 0);
	size_t bad = 0;
	char msg[256];
	const char *why = form_check_record(f, r, &bad, msg, sizeof msg);
	if (why)
		FUZZ_CHECK(bad < f->nfields);
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		(void)form_relevant(fd, r);
		const char *v = record_get(r, fd->name);
		if (v) {
			char *shown = form_display(fd, v, i & 1);
			free(shown);
			(void)form_choice_label(fd, v);
		}
		if (fd->type == FT_CALCULATE)
			free(form_calculate(fd, r, &env));
	}
	record_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	FUZZ_CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	struct form_error err;
	struct form *f = form_parse(text, path, shipped->shared, &err);
	if (f) {
		use(f);
		form_free(f);
	} else {
		FUZZ_CHECK(err.msg[0] != '\0' && err.file[0] != '\0' && err.line >= 1);
	}
	free(text);
	return 0;
}
