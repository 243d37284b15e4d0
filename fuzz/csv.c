/* fuzz/csv.c: libFuzzer target for the CSV importer (import_buffer with
 * check_only: every step of shegong import but the saving): cutting the
 * cells (libcsv), deciding the encoding and decoding each cell, matching
 * the header (the zh_CN catalogue read directly), and checking every row
 * against the form, the spreadsheet's damage, duplicates and the scope,
 * in a database made once at start (a county, a township, two villages,
 * their workers, two registered residents).
 *
 * The first byte of an input chooses how it is imported; the rest is the
 * file: bits 0-3 the form (of the importable ones, in file-name order),
 * bits 4-5 the encoding asked for (auto, gb18030, gbk, utf-8), bit 6
 * --update, bit 7 the village worker's scope instead of the
 * administrator's.  Seeds in fuzz/corpus/csv are made that way. */
#include "config.h"

#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "common.h"
#include "import.h"
#include "orgunit.h"
#include "scope.h"
#include "valid.h"

static struct formset *fs;
static const struct form *forms[16];
static size_t nforms;
static store *st;
static struct scope *village;
static char dir[] = "/tmp/shegong-fuzz-csv-XXXXXX";
static char catalogue[4096];

static int
resident(store_txn *t, const char *name, const char *first17, const char *village_code)
{
	char id[19];
	snprintf(id, sizeof id, "%s%c", first17, valid_id_checkchar(first17));
	record *u = NULL;
	if (orgunit_by_code(t, village_code, &u) != 0)
		return store_txn_fail(t, STORE_NOTFOUND);
	char uid[REC_ID_TEXTMAX];
	rec_id_format(&u->id, uid);
	record_free(u);
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", name);
	record_set(r, "idnum", id);
	record_set(r, "village", uid);
	int err = store_put(t, r);
	record_free(r);
	return err;
}

static int
setup_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	orgunit_add(t, "510421", "米易县", NULL);
	orgunit_add(t, "510421100", "攀莲镇", NULL);
	orgunit_add(t, "510421100001", "安宁村", NULL);
	orgunit_add(t, "510421100002", "挂榜村", NULL);
	worker_add(t, "anning", "李红梅", ROLE_VILLAGE, "510421100001", NULL);
	worker_add(t, "fuzzer", "管理员", ROLE_ADMIN, "510421", NULL);
	resident(t, "王秀英", "51042119500101001", "510421100001");
	resident(t, "张建国", "51042119600202002", "510421100002");
	return store_txn_error(t);
}

static void
cleanup(void)
{
	scope_attach(st, NULL);
	scope_free(village);
	store_close(st);
	formset_free(fs);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-csv: could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct form_error err;
	fs = formset_load(fuzz_formsdir(), &err);
	if (!fs) {
		fprintf(stderr, "fuzz-csv: %s:%d: %s\n", err.file, err.line, err.msg);
		exit(1);
	}
	for (size_t i = 0; i < fs->nforms && nforms < 16; i++)
		if (import_kind_importable(fs->forms[i]->kind))
			forms[nforms++] = fs->forms[i];
	const char *loc = getenv("SHEGONG_LOCALEDIR");
	snprintf(catalogue, sizeof catalogue, "%s/zh_CN/LC_MESSAGES/shegong.mo",
	         loc && *loc ? loc : FUZZ_LOCALEDIR);
	if (access(catalogue, R_OK) != 0)
		fprintf(stderr, "fuzz-csv: no catalogue at %s: Chinese headers are not matched\n",
		        catalogue);
	if (!mkdtemp(dir) || store_open(&st, dir, STORE_CREATE) != STORE_OK ||
	    store_set_user(st, "fuzzer") != STORE_OK ||
	    store_write(st, setup_txn, NULL) != STORE_OK ||
	    scope_load_now(st, "anning", &village) != STORE_OK) {
		fprintf(stderr, "fuzz-csv: cannot make the database in %s\n", dir);
		exit(1);
	}
	audit_attach(st);
	atexit(cleanup);
	return 0;
}

struct count {
	size_t problems, warnings;
};

static void
report(const struct import_problem *p, void *ctx)
{
	struct count *c = ctx;
	FUZZ_CHECK(p->msg && *p->msg);
	c->problems++;
	c->warnings += p->warning;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	unsigned sel = data[0];
	const struct form *f = forms[(sel & 0x0f) % nforms];
	static const int encs[] = {IMPORT_AUTO, IMPORT_GB18030, IMPORT_GBK, IMPORT_UTF8};
	struct form_env env = {"fuzzer", NULL, "2026-03-15", false, 0};
	struct count c = {0, 0};
	struct import_opts o = {
		.kind = f->kind,
		.fs = fs,
		.form = f,
		.encoding = encs[(sel >> 4) & 3],
		.update = (sel & 0x40) != 0,
		.scope = (sel & 0x80) ? village : NULL,
		.env = &env,
		.catalogue = catalogue,
		.check_only = true,
		.report = report,
		.ctx = &c,
	};
	scope_attach(st, o.scope);
	struct import_result res;
	char msg[1024];
	int rc = import_buffer(st, "fuzz.csv", (const char *)data + 1, size - 1, &o, &res, msg,
	                       sizeof msg);
	if (getenv("FUZZ_CSV_SAY"))  /* what an input does: FUZZ_CSV_SAY=1 fuzz-csv FILE */
		fprintf(stderr, "fuzz-csv: form %s, status %d, %zu rows, %zu bad, %zu problems%s%s\n",
		        f->name, rc, res.rows, res.bad, c.problems, msg[0] ? ": " : "", msg);
	FUZZ_CHECK(rc == IMPORT_OK || rc == IMPORT_BAD_ROWS || rc == IMPORT_REFUSED);
	FUZZ_CHECK(res.imported == 0 && res.updated == 0 && !res.bad_written);
	FUZZ_CHECK(res.bad <= res.rows && res.duplicates <= res.bad);
	FUZZ_CHECK(res.warnings == c.warnings);
	if (rc == IMPORT_REFUSED)
		FUZZ_CHECK(msg[0] != '\0');
	if (rc == IMPORT_BAD_ROWS)
		FUZZ_CHECK(res.bad > 0 && c.problems > c.warnings);
	if (rc == IMPORT_OK)
		FUZZ_CHECK(res.bad == 0);
	return 0;
}
