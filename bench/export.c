/* bench/export.c: how many rows a second export writes at N residents,
 * to XLSX and to CSV (GB18030 and UTF-8), beside a reference measured in
 * the same run: the same records read and decoded with nothing written.
 * Usage: bench-export [N] (forms from $SHEGONG_FORMSDIR, else forms/). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "export.h"
#include "record.h"
#include "store.h"
#include "valid.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "𠮷"};
static const char *const given[] = {"秀英", "建国", "德明", "玉兰", "志强", "𠈌明", "子涵"};

static unsigned
rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}

struct fill {
	int n;
	unsigned seed;
	char village[REC_ID_TEXTMAX];
};

static int
fill_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	unsigned s = f->seed;
	for (int i = 0; i < f->n && !store_txn_error(t); i++) {
		char name[64], id[20], phone[16];
		snprintf(name, sizeof name, "%s%s", surnames[rnd(&s) % 9], given[rnd(&s) % 7]);
		snprintf(id, sizeof id, "5104211%03u%02u%02u%03u", 950 + rnd(&s) % 60, 1 + rnd(&s) % 12,
		         1 + rnd(&s) % 28, rnd(&s) % 1000);
		id[17] = valid_id_checkchar(id);
		id[18] = '\0';
		snprintf(phone, sizeof phone, "139%08u", rnd(&s) % 100000000);
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", name);
		record_set(r, "idnum", id);
		record_set(r, "sex", rnd(&s) % 2 ? "m" : "f");
		record_set(r, "phone", phone);
		record_set(r, "village", f->village);
		record_set(r, "group", "3");
		record_set(r, "categories", rnd(&s) % 4 ? "elderly" : "dibao,disabled");
		record_set(r, "notes", "入户走访, 情况稳定");
		store_put(t, r);
		record_free(r);
	}
	f->seed = s;
	return store_txn_error(t);
}

static int
unit_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	record *u = record_new(REC_UNIT);
	record_set(u, "code", "510421100001");
	record_set(u, "name", "安宁村");
	record_set(u, "level", "village");
	int err = store_put(t, u);
	rec_id_format(&u->id, f->village);
	record_free(u);
	return err;
}

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
decode_one(const record *r, void *ctx)
{
	size_t *n = ctx;
	*n += r->nfields > 0;
	return 0;
}

static int
scan_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_RESIDENT, NULL, decode_one, ctx);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	if (n <= 0)
		n = 100000;
	char dir[] = "/tmp/shegong-bench-export-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	store *st;
	if (store_open(&st, dir, STORE_CREATE) != STORE_OK)
		return 1;
	store_set_user(st, "bench");
	const char *fd = getenv("SHEGONG_FORMSDIR");
	struct form_error ferr;
	struct formset *fs = formset_load(fd && *fd ? fd : "forms", &ferr);
	if (!fs) {
		fprintf(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		return 1;
	}
	struct fill f = {0, 42, ""};
	store_write(st, unit_txn, &f);
	double t0 = now();
	for (int done = 0; done < n; done += 10000) {
		f.n = n - done < 10000 ? n - done : 10000;
		if (store_write(st, fill_txn, &f) != STORE_OK)
			return 1;
	}
	printf("%d residents made in %.1f s\n", n, now() - t0);

	t0 = now();
	size_t seen = 0;
	store_read(st, scan_txn, &seen);
	double ref = now() - t0;
	printf("reference: read and decode, nothing written: %.2f s, %.0f records/s\n", ref,
	       seen / ref);

	static const struct {
		const char *what, *file;
		int format, encoding;
	} runs[] = {
		{"XLSX", "r.xlsx", EXPORT_XLSX, 0},
		{"CSV GB18030", "r.csv", EXPORT_CSV, EXPORT_GB18030},
		{"CSV UTF-8", "u.csv", EXPORT_CSV, EXPORT_UTF8},
	};
	struct form_env env = {"bench", NULL, "2026-03-15", false, 0, NULL};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		char path[256], msg[512];
		snprintf(path, sizeof path, "%s/%s", dir, runs[i].file);
		struct export_opts o = {.kind = REC_RESIDENT, .fs = fs, .format = runs[i].format,
		                        .encoding = runs[i].encoding, .env = &env};
		size_t rows;
		t0 = now();
		if (export_records(st, path, &o, &rows, msg, sizeof msg) < 0) {
			fprintf(stderr, "%s: %s\n", runs[i].what, msg);
			return 1;
		}
		double dt = now() - t0;
		printf("%-12s %zu rows in %.2f s: %.0f rows/s (%.1fx the reference's time)\n",
		       runs[i].what, rows, dt, rows / dt, dt / ref);
	}
	formset_free(fs);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
