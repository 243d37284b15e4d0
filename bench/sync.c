/* bench/sync.c: bytes exchanged between a village PC and its township
 * (sync.c) per referral and per service record, beside a reference: the
 * UTF-8 bytes of the field values the records carry.  Two real databases
 * in a temporary folder: a township with its units and workers, and a
 * village PC that joins it by taking its first file; then on the PC N
 * referrals, each with its resident and need (what the township may see
 * with a referral), go up; the township accepts and resolves each and the
 * answers come down; then N service records go up.
 * Usage: bench-sync [N] (default 200).  Prints a table in Markdown. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "refer.h"
#include "scope.h"
#include "sync.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "𠮷"};
static const char *const given[] = {"秀英", "建国", "德明", "玉兰", "志强", "𠈌明", "子涵"};
static const char *const needs[] = {
	"独居，行动不便，需要上门照护", "申请特困供养，家中无劳动力", "孩子无人看护，父母外出务工",
	"残疾，需要康复辅具", "老人患慢性病，需定期送医",
};
static const char *const contents[] = {
	"上门探访，了解生活起居情况，协助整理房间，提醒按时服药",
	"组织志愿者开展助餐服务，为独居老人送午餐",
	"召开小组活动，讲解防诈骗知识，发放宣传资料",
	"联系镇卫生院为残疾人上门评估，登记康复辅具需求",
};

static char anning[REC_ID_TEXTMAX];

static unsigned
rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	rec_id id;
	int err = orgunit_add(t, "510421", "米易县", &id);
	if (!err)
		err = orgunit_add(t, "510421100", "攀莲镇", &id);
	if (!err)
		err = orgunit_add(t, "510421100001", "安宁村", &id);
	if (!err)
		rec_id_format(&id, anning);
	if (!err)
		err = worker_add(t, "anning", "李红梅", ROLE_VILLAGE, "510421100001", NULL);
	if (!err)
		err = worker_add(t, "panlian", "杨社工", ROLE_TOWNSHIP, "510421100", NULL);
	return err;
}

static size_t
values_bytes(const record *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nfields; i++)
		n += strlen(r->fields[i].value);
	return n;
}

struct fill {
	int n;
	bool services;
	unsigned seed;
	size_t values;   /* the UTF-8 bytes of the field values saved */
};

static int
put_counted(store_txn *t, record *r, struct fill *f)
{
	int err = store_put(t, r);
	f->values += values_bytes(r);
	return err;
}

static int
cases_txn(store_txn *t, void *ctx)
{
	struct fill *f = ctx;
	unsigned s = f->seed;
	f->values = 0;
	for (int i = 0; i < f->n && !store_txn_error(t); i++) {
		char name[64], rid[REC_ID_TEXTMAX], nid[REC_ID_TEXTMAX];
		record *r = record_new(REC_RESIDENT);
		snprintf(name, sizeof name, "%s%s", surnames[rnd(&s) % 9], given[rnd(&s) % 7]);
		record_set(r, "name", name);
		record_set(r, "sex", rnd(&s) % 2 ? "m" : "f");
		record_set(r, "phone", "13800001234");
		record_set(r, "village", anning);
		record_set(r, "address", "安宁村三组");
		put_counted(t, r, f);
		rec_id_format(&r->id, rid);
		record_free(r);
		if (f->services) {
			r = record_new(REC_SERVICE);
			record_set(r, "_form", "service_care");
			record_set(r, "function", "care");
			record_set(r, "date", "2026-11-20");
			record_set(r, "worker", "李红梅");
			record_set(r, "village", anning);
			record_set(r, "beneficiaries", rid);
			record_set(r, "headcount", "1");
			record_set(r, "work_kind", "visit");
			record_set(r, "content", contents[rnd(&s) % 4]);
			record_set(r, "hours", "1.5");
			record_set(r, "target", "elder_alone");
			put_counted(t, r, f);
			record_free(r);
			continue;
		}
		r = record_new(REC_NEED);
		record_set(r, "who", "resident");
		record_set(r, "resident", rid);
		record_set(r, "village", anning);
		record_set(r, "date", "2026-11-20");
		record_set(r, "description", needs[rnd(&s) % 5]);
		record_set(r, "status", "open");
		put_counted(t, r, f);
		rec_id_format(&r->id, nid);
		record_free(r);
	}
	return store_txn_error(t);
}

struct needs_ctx {
	char (*need)[REC_ID_TEXTMAX];
	char (*res)[REC_ID_TEXTMAX];
	size_t n, cap;
};

static int
need_fn(const record *r, void *ctx)
{
	struct needs_ctx *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		c->need = realloc(c->need, c->cap * sizeof *c->need);
		c->res = realloc(c->res, c->cap * sizeof *c->res);
		if (!c->need || !c->res)
			return 1;
	}
	rec_id_format(&r->id, c->need[c->n]);
	const char *res = record_get(r, "resident");
	snprintf(c->res[c->n], sizeof c->res[c->n], "%s", res ? res : "");
	c->n++;
	return 0;
}

static int
needs_txn(store_txn *t, void *ctx)
{
	return store_scan(t, REC_NEED, NULL, need_fn, ctx);
}

static int
get_txn(store_txn *t, void *ctx)
{
	record **r = ctx;
	return store_get(t, &r[0]->id, &r[1]);
}

/* One exchange file from `from` (as sc, for unit) taken by `to` (as tsc);
 * returns its size. */
static size_t
pass(store *from, const struct scope *sc, const char *unit, store *to, const struct scope *tsc,
     struct sync_stats *got)
{
	unsigned char *buf;
	size_t len;
	char why[512];
	scope_attach(from, sc);
	if (sync_make(from, sc, unit, 0, &buf, &len, NULL, NULL, NULL, why, sizeof why)) {
		fprintf(stderr, "bench-sync: %s\n", why);
		exit(1);
	}
	scope_attach(to, tsc);
	if (sync_apply(to, tsc, buf, len, got, NULL, NULL, why, sizeof why)) {
		fprintf(stderr, "bench-sync: %s\n", why);
		exit(1);
	}
	free(buf);
	return len;
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	if (n < 1)
		n = 200;
	char tdir[] = "/tmp/shegong-bench-sync-XXXXXX";
	if (!mkdtemp(tdir))
		return 1;
	char town_dir[64], pc_dir[64];
	snprintf(town_dir, sizeof town_dir, "%s/town", tdir);
	snprintf(pc_dir, sizeof pc_dir, "%s/pc", tdir);
	store *town, *pc;
	if (store_open(&town, town_dir, STORE_CREATE) || store_open(&pc, pc_dir, STORE_CREATE))
		return 1;
	audit_attach(town);
	audit_attach(pc);
	store_set_user(town, "panlian");
	store_set_user(pc, "anning");
	if (store_write(town, units_txn, NULL))
		return 1;
	struct scope *panlian, *anning_pc;
	scope_load_now(town, "panlian", &panlian);
	struct sync_stats s;
	size_t join = pass(town, panlian, "510421100001", pc, NULL, &s);
	scope_load_now(pc, "anning", &anning_pc);
	scope_attach(pc, anning_pc);

	/* N residents with a need each, then a referral of each */
	struct fill f = {n, false, 7, 0};
	if (store_write(pc, cases_txn, &f))
		return 1;
	struct needs_ctx nc = {0};
	store_read(pc, needs_txn, &nc);
	size_t ref_values = f.values;
	rec_id *refs = calloc((size_t)n, sizeof *refs);
	unsigned seed = 11;
	static const char *const cats[] = {"elderly", "disability", "child", "hardship"};
	for (size_t i = 0; i < nc.n && i < (size_t)n; i++) {
		const char *needv[] = {nc.need[i]};
		struct refer_new in = {nc.res[i], needv, 1, cats[rnd(&seed) % 4], "soon",
		                       "村里无法解决，需要镇社工站协调专业服务", "已上门走访两次",
		                       "13800001234", true, NULL, NULL};
		char why[256];
		if (refer_create(pc, anning_pc, &in, true, &refs[i], why, sizeof why)) {
			fprintf(stderr, "bench-sync: %s\n", why);
			return 1;
		}
		record *rr[2] = {record_new(REC_REFERRAL), NULL};
		rr[0]->id = refs[i];
		store_read(pc, get_txn, rr);
		ref_values += values_bytes(rr[1]);
		record_free(rr[0]);
		record_free(rr[1]);
	}
	size_t up = pass(pc, anning_pc, NULL, town, panlian, &s);
	/* the township answers each */
	scope_attach(town, panlian);
	size_t answer_values = 0;
	for (int i = 0; i < n; i++) {
		char why[256];
		struct refer_act_in ri = {"", REFO_SUCCESS, "已安排镇社工站社工跟进，每周上门一次", 0, NULL};
		refer_act(town, panlian, &refs[i], REFA_ACCEPT, NULL, NULL, why, sizeof why);
		refer_act(town, panlian, &refs[i], REFA_RESOLVE, &ri, NULL, why, sizeof why);
	}
	size_t down = pass(town, panlian, "510421100001", pc, anning_pc, &s);
	for (int i = 0; i < n; i++) {
		record *rr[2] = {record_new(REC_REFERRAL), NULL};
		rr[0]->id = refs[i];
		store_read(pc, get_txn, rr);
		answer_values += values_bytes(rr[1]);
		record_free(rr[0]);
		record_free(rr[1]);
	}
	/* the needs' new status goes up with the next exchange: count it apart */
	size_t follow = pass(pc, anning_pc, NULL, town, panlian, &s);
	/* N service records (each with its resident) */
	struct fill fs = {n, true, 13, 0};
	if (store_write(pc, cases_txn, &fs))
		return 1;
	size_t svc = pass(pc, anning_pc, NULL, town, panlian, &s);
	size_t nothing = pass(town, panlian, "510421100001", pc, anning_pc, &s);

	printf("| exchange (%d of each) | bytes | per record | reference: UTF-8 bytes of the values | ratio |\n", n);
	printf("| --- | ---: | ---: | ---: | ---: |\n");
	printf("| join: the township's first file (3 units, 2 accounts) | %zu | | | |\n", join);
	printf("| up: a referral with its resident and need | %zu | %.0f | %.0f | %.2f |\n", up,
	       (double)up / n, (double)ref_values / n, (double)up / (double)ref_values);
	printf("| down: the answer (accepted, resolved, feedback) | %zu | %.0f | %.0f | %.2f |\n", down,
	       (double)down / n, (double)answer_values / n, (double)down / (double)answer_values);
	printf("| up: the needs' status following | %zu | %.0f | | |\n", follow, (double)follow / n);
	printf("| up: a service record with its resident | %zu | %.0f | %.0f | %.2f |\n", svc,
	       (double)svc / n, (double)fs.values / n, (double)svc / (double)fs.values);
	printf("| nothing new | %zu | | | |\n", nothing);
	scope_attach(town, NULL);
	scope_attach(pc, NULL);
	scope_free(panlian);
	scope_free(anning_pc);
	store_close(town);
	store_close(pc);
	free(refs);
	free(nc.need);
	free(nc.res);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tdir);
	return system(cmd) == 0 ? 0 : 1;
}
