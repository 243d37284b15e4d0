/* bench/import.c: how many rows a second import reads, checks and saves at
 * N residents: a GB18030 CSV of valid residents (GB 11643 ID numbers, each
 * unique; names with a character outside the BMP; quoted cells with
 * commas) written first, then imported into a new database with the audit
 * trail attached, as `shegong import` does.  The time to check alone is
 * measured beside it (the same file, every row a duplicate the second time).
 * Usage: bench-import [N] (forms from $SHEGONG_FORMSDIR, else forms/). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "import.h"
#include "orgunit.h"
#include "text.h"
#include "valid.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "𠮷"};
static const char *const given[] = {"秀英", "建国", "德明", "玉兰", "志强", "𠈌明", "子涵"};

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	orgunit_add(t, "510421", "米易县", NULL);
	orgunit_add(t, "510421100", "攀莲镇", NULL);
	orgunit_add(t, "510421100001", "安宁村", NULL);
	return store_txn_error(t);
}

/* n rows, each ID number unique: the sequence part runs through the days */
static int
write_csv(const char *path, long n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	const char *head = "姓名,身份证号,性别,电话,村(社区),组,人员类别,住址,备注\r\n";
	char *out;
	size_t len;
	text_conv("GB18030", "UTF-8", head, strlen(head), &out, &len, NULL);
	fwrite(out, 1, len, f);
	free(out);
	for (long i = 0; i < n; i++) {
		char id[20], line[512];
		long day = i / 1000, seq = i % 1000;
		snprintf(id, sizeof id, "510421%04ld%02ld%02ld%03ld", 1930 + day / 336 % 80,
		         1 + day / 28 % 12, 1 + day % 28, seq);
		id[17] = valid_id_checkchar(id);
		id[18] = '\0';
		snprintf(line, sizeof line,
		         "%s%s,%s,%s,139%08ld,安宁村,%ld组,\"低保,残疾人\",\"安宁村%ld组, %ld号\",入户走访\r\n",
		         surnames[i % 9], given[i % 7], id, i % 2 ? "男" : "女", i % 100000000, 1 + i % 8,
		         1 + i % 9, 1 + i % 60);
		text_conv("GB18030", "UTF-8", line, strlen(line), &out, &len, NULL);
		fwrite(out, 1, len, f);
		free(out);
	}
	return fclose(f);
}

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	if (n <= 0)
		n = 100000;
	const char *fdir = getenv("SHEGONG_FORMSDIR");
	struct form_error ferr;
	struct formset *fs = formset_load(fdir && *fdir ? fdir : "forms", &ferr);
	if (!fs) {
		fprintf(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		return 1;
	}
	char dir[] = "/tmp/bench-import-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char csv[256], db[256];
	snprintf(csv, sizeof csv, "%s/residents.csv", dir);
	snprintf(db, sizeof db, "%s/db", dir);
	if (write_csv(csv, n) != 0)
		return 1;
	store *st;
	if (store_open(&st, db, STORE_CREATE) != STORE_OK || store_write(st, units_txn, NULL))
		return 1;
	audit_attach(st);
	store_set_user(st, "bench");
	struct form_env env = {"bench", NULL, "2026-03-15", false, 0, NULL};
	struct import_opts o = {.kind = REC_RESIDENT, .fs = fs, .env = &env};
	struct import_result res;
	char msg[1024];
	double t0 = now();
	int rc = import_file(st, csv, &o, &res, msg, sizeof msg);
	double t1 = now();
	if (rc != IMPORT_OK) {
		fprintf(stderr, "import: %d %s (%zu bad)\n", rc, msg, res.bad);
		return 1;
	}
	/* again: every row checked and found registered, nothing saved */
	int rc2 = import_file(st, csv, &o, &res, msg, sizeof msg);
	double t2 = now();
	printf("%ld rows: imported in %.2f s, %.0f rows/s (read, checked, saved, audited); "
	       "checked alone (all duplicates) in %.2f s, %.0f rows/s%s\n",
	       n, t1 - t0, (double)n / (t1 - t0), t2 - t1, (double)n / (t2 - t1),
	       rc2 == IMPORT_BAD_ROWS && res.duplicates == (size_t)n ? "" : " (unexpected result)");
	store_close(st);
	formset_free(fs);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
