/* bench/search.c: what one keystroke of search costs at N residents,
 * beside a reference measured in the same run: a raw walk over the same
 * index entries (no record fetched, nothing decoded).  The ratio is what
 * counts; the machine is shared and noisy.  Usage: bench-search [N] */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "search.h"
#include "store.h"
#include "valid.h"

#define PAGE 17   /* the rows of a list at 80x24 */

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高",
	"林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
	"曾", "单", "解", "仇", "区", "𠮷",
};
static const char *const given[] = {
	"秀英", "桂英", "建国", "德明", "玉兰", "志强", "海燕", "文华", "国华", "丽", "军", "勇",
	"芳", "敏", "静", "强", "磊", "洋", "艳", "杰", "娟", "子涵", "梓萱", "浩然", "一诺",
	"欣怡", "宇轩", "雨桐", "春花", "正福", "三丰", "小明", "𡃁", "𠈌明",
};

static unsigned
rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}

struct fill {
	int from, n;
	unsigned seed;
};

static int
fill_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	unsigned s = f->seed;
	for (int i = 0; i < f->n && !store_txn_error(t); i++) {
		char name[64], id[20];
		snprintf(name, sizeof name, "%s%s", surnames[rnd(&s) % (sizeof surnames / sizeof *surnames)],
		         given[rnd(&s) % (sizeof given / sizeof *given)]);
		snprintf(id, sizeof id, "510421%04u%02u%02u%03u", 1930 + rnd(&s) % 90, 1 + rnd(&s) % 12,
		         1 + rnd(&s) % 28, rnd(&s) % 1000);
		id[17] = valid_id_checkchar(id);
		id[18] = '\0';
		record *r = record_new(REC_RESIDENT);
		record_set(r, "name", name);
		record_set(r, "idnum", id);
		record_set(r, "village", "unit-000000000001-1");
		record_set(r, "status", "active");
		store_put(t, r);
		record_free(r);
	}
	return store_txn_error(t);
}

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct walk {
	size_t n;
};

static int
walk_one(const rec_id *id, const unsigned char *key, size_t keylen, void *ctx)
{
	(void)id;
	(void)key;
	(void)keylen;
	struct walk *w = ctx;
	return ++w->n >= PAGE ? 1 : 0;
}

struct ref_args {
	int idx;
	const char *q;
};

static int
ref_txn(store_txn *t, void *ctx)
{
	struct ref_args *a = ctx;
	struct walk w = {0};
	int rc = store_walk(t, a->idx, REC_RESIDENT, a->q, NULL, 0, NULL, walk_one, &w);
	return rc == 1 ? 0 : rc;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100000;
	char dir[] = "/tmp/shegong-bench-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	store *st;
	if (store_open(&st, dir, STORE_CREATE))
		return 1;
	double t0 = now_us();
	for (int i = 0; i < n; i += 5000) {
		struct fill f = {i, n - i < 5000 ? n - i : 5000, 7u + (unsigned)i};
		if (store_write(st, fill_txn, &f)) {
			fprintf(stderr, "fill failed\n");
			return 1;
		}
	}
	double t1 = now_us();
	printf("residents: %d (made in %.1f s)\n\n", n, (t1 - t0) / 1e6);
	printf("| keystrokes | by | search per keystroke, median / p99 (us) | raw index walk, median / p99 (us) | ratio of medians |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	static const struct {
		const char *typed;
		int idx;
	} qs[] = {
		{"z", IDX_PINYIN}, {"zs", IDX_PINYIN}, {"zsf", IDX_PINYIN}, {"w", IDX_PINYIN},
		{"张", IDX_NAME}, {"张三", IDX_NAME}, {"王𡃁", IDX_NAME},
		{"5104", IDX_IDNUM}, {"51042119", IDX_IDNUM}, {"5104211980", IDX_IDNUM},
	};
	enum { REPS = 300 };
	static double a[REPS], b[REPS];
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		for (int r = 0; r < REPS; r++) {
			record *out[PAGE];
			size_t got = 0;
			struct search_query q = {.kind = REC_RESIDENT, .text = qs[k].typed};
			struct search_pos pos;
			memset(&pos, 0, sizeof pos);
			double s0 = now_us();
			search_page(st, &q, &pos, out, PAGE, &got);
			double s1 = now_us();
			for (size_t i = 0; i < got; i++)
				record_free(out[i]);
			struct ref_args ra = {qs[k].idx, qs[k].typed};
			double s2 = now_us();
			store_read(st, ref_txn, &ra);
			double s3 = now_us();
			a[r] = s1 - s0;
			b[r] = s3 - s2;
		}
		qsort(a, REPS, sizeof *a, cmp_d);
		qsort(b, REPS, sizeof *b, cmp_d);
		double am = a[REPS / 2], ap = a[REPS * 99 / 100], bm = b[REPS / 2], bp = b[REPS * 99 / 100];
		const char *by = qs[k].idx == IDX_PINYIN ? "pinyin" : qs[k].idx == IDX_NAME ? "name" : "ID";
		printf("| %s | %s | %.0f / %.0f | %.0f / %.0f | %.1f |\n", qs[k].typed, by, am, ap, bm, bp,
		       bm > 0 ? am / bm : 0);
	}
	store_close(st);
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
