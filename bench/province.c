/* bench/province.c: a province's tree of sites, scaled, for bench/feed.sh.
 *   bench-province SCALE DIR
 * A province of 20 cities, 180 counties, 3,000 townships and 30,000
 * villages, times SCALE (at least one of each), as real LMDB databases
 * made through the library: one database a township (its server, the
 * site a county's warehouse is fed by) in DIR/<township code>, holding
 * its county, itself, its ten villages, a township worker (login
 * t<township code>), the one running it (an administrator: it feeds
 * and acts as the worker) and, in each village, PER_* records:
 * residents with valid ID numbers, needs, services of the six functions
 * over eleven months, referrals to the township (drafts: a submitted one
 * carries the steps refer.c writes), volunteers.  Cities have no unit
 * of their own (shegong's tree is county, township, village): a city is
 * the first four digits of its counties' codes.  Prints one line a site and the
 * totals.
 *   bench-province --change N DB
 * In DB, N changes spread over its villages: N/2 new care services and
 * N - N/2 needs set to met (what a busy day or week adds), for the
 * incremental feed and exchange.  Prints the records changed.
 * Deterministic: the same SCALE gives the same records (ids aside). */
#include "config.h"

#include <math.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "record.h"
#include "store.h"
#include "valid.h"

#define PER_RESIDENT 100
#define PER_NEED 30
#define PER_SERVICE 150
#define PER_REFERRAL 5
#define PER_VOLUNTEER 6
#define VILLAGES 10

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
                                       "苟", "母", "冉", "𠮷"};
static const char *const given[] = {"秀英", "建国", "德明", "玉兰", "志强", "𠈌明", "子涵", "桂芳",
                                    "海波", "春梅"};
static const char *const channels[] = {"visit", "walk_in", "phone", "grid", "referred"};
static const char *const urgencies[] = {"normal", "soon", "urgent"};
static const char *const statuses[] = {"open", "in_progress", "in_progress", "met"};
static const char *const functions[] = {"assessment", "assistance", "care", "governance",
                                        "resources", "livelihood"};
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
static const char *const cats[] = {"elderly", "disability", "child", "hardship", "mental"};

static unsigned
rnd(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}
#define PICK(a, s) (a[rnd(s) % (sizeof a / sizeof *a)])

struct site {
	char county[32], township[48];
	char vid[VILLAGES][REC_ID_TEXTMAX];   /* the villages' record ids */
	char tid[REC_ID_TEXTMAX];             /* the township's */
	int village;                          /* the one being filled */
	unsigned seed;
	long serial;                          /* ID numbers: unique in the county */
	long made[11];                        /* records made, by kind */
};

static int
put(store_txn *t, record *r, int bad, struct site *s, char *idout)
{
	int err = bad ? store_txn_fail(t, STORE_NOMEM) : store_put(t, r);
	if (!err) {
		s->made[r->id.kind]++;
		if (idout)
			rec_id_format(&r->id, idout);
	}
	record_free(r);
	return err;
}

static int
units_txn(store_txn *t, void *ctx)
{
	struct site *s = ctx;
	rec_id id;
	char code[64], name[96];
	snprintf(name, sizeof name, "%s县", s->county);
	int err = orgunit_add(t, s->county, name, &id);
	snprintf(name, sizeof name, "%s镇", s->township);
	if (!err)
		err = orgunit_add(t, s->township, name, &id);
	if (!err)
		rec_id_format(&id, s->tid);
	for (int v = 0; v < VILLAGES && !err; v++) {
		snprintf(code, sizeof code, "%s%03d", s->township, v + 1);
		snprintf(name, sizeof name, "%s村", code + 9);
		err = orgunit_add(t, code, name, &id);
		if (!err)
			rec_id_format(&id, s->vid[v]);
	}
	char login[64];
	snprintf(login, sizeof login, "t%s", s->township);
	if (!err)
		err = worker_add(t, login, "镇社工", ROLE_TOWNSHIP, s->township, NULL);
	/* the one running the bench administers it (feeds, acts --as the worker) */
	struct passwd *pw = getpwuid(getuid());
	if (!err && pw)
		err = worker_add(t, pw->pw_name, "管理员", ROLE_ADMIN, s->county, NULL);
	if (!err)
		s->made[REC_UNIT] += 2 + VILLAGES;
	return err;
}

static void
idnum(struct site *s, char out[19], char birth[11])
{
	long k = s->serial++;
	int y = 1940 + (int)(k / 1000 / 336 % 80), m = 1 + (int)(k / 1000 / 28 % 12),
	    d = 1 + (int)(k / 1000 % 28);
	char buf[64];
	snprintf(buf, sizeof buf, "%.6s%04u%02u%02u%03u", s->county, (unsigned)y % 10000u,
	         (unsigned)m % 100u, (unsigned)d % 100u, (unsigned)(k % 1000));
	memcpy(out, buf, 18);
	out[17] = valid_id_checkchar(out);
	out[18] = '\0';
	snprintf(birth, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)d % 100u);
}

static int
village_txn(store_txn *t, void *ctx)
{
	struct site *s = ctx;
	const char *vid = s->vid[s->village];
	unsigned *sd = &s->seed;
	char (*res)[REC_ID_TEXTMAX] = calloc(PER_RESIDENT, sizeof *res);
	char (*need)[REC_ID_TEXTMAX] = calloc(PER_NEED, sizeof *need);
	int err = res && need ? 0 : store_txn_fail(t, STORE_NOMEM);
	for (int i = 0; i < PER_RESIDENT && !err; i++) {
		char name[64], id[19], birth[11], phone[16], addr[64];
		snprintf(name, sizeof name, "%s%s", PICK(surnames, sd), PICK(given, sd));
		idnum(s, id, birth);
		snprintf(phone, sizeof phone, "1%02u%08u", 30 + rnd(sd) % 60, rnd(sd) % 100000000u);
		snprintf(addr, sizeof addr, "%d组%d号", 1 + i % 8, 1 + i);
		record *r = record_new(REC_RESIDENT);
		int bad = !r || record_set(r, "name", name) | record_set(r, "idnum", id) |
		          record_set(r, "sex", id[16] % 2 ? "m" : "f") | record_set(r, "birth", birth) |
		          record_set(r, "phone", phone) | record_set(r, "village", vid) |
		          record_set(r, "address", addr) |
		          record_set(r, "categories", i % 3 ? "dibao" : "elder_alone");
		err = put(t, r, bad, s, res[i]);
	}
	for (int i = 0; i < PER_NEED && !err; i++) {
		char date[11];
		snprintf(date, sizeof date, "2026-%02u-%02u", 1 + rnd(sd) % 11, 1 + rnd(sd) % 28);
		record *r = record_new(REC_NEED);
		int bad = !r || record_set(r, "who", "resident") |
		          record_set(r, "resident", res[rnd(sd) % PER_RESIDENT]) |
		          record_set(r, "village", vid) | record_set(r, "date", date) |
		          record_set(r, "channel", PICK(channels, sd)) |
		          record_set(r, "service", PICK(functions, sd)) |
		          record_set(r, "description", PICK(needs, sd)) |
		          record_set(r, "urgency", PICK(urgencies, sd)) |
		          record_set(r, "status", PICK(statuses, sd)) | record_set(r, "worker", "村专干");
		err = put(t, r, bad, s, need[i]);
	}
	for (int i = 0; i < PER_SERVICE && !err; i++) {
		char date[11], form[32];
		const char *fn = PICK(functions, sd);
		snprintf(date, sizeof date, "2026-%02u-%02u", 1 + rnd(sd) % 11, 1 + rnd(sd) % 28);
		snprintf(form, sizeof form, "service_%s", fn);
		record *r = record_new(REC_SERVICE);
		int bad = !r || record_set(r, "_form", form) | record_set(r, "function", fn) |
		          record_set(r, "date", date) | record_set(r, "worker", "村专干") |
		          record_set(r, "village", vid) | record_set(r, "work_kind", "visit") |
		          record_set(r, "content", PICK(contents, sd)) |
		          record_set(r, "hours", rnd(sd) % 2 ? "1.5" : "2") |
		          record_set(r, "beneficiaries", res[rnd(sd) % PER_RESIDENT]) |
		          record_set(r, "outcome", "已完成，对象满意");
		err = put(t, r, bad, s, NULL);
	}
	for (int i = 0; i < PER_REFERRAL && !err; i++) {
		char date[11];
		snprintf(date, sizeof date, "2026-%02u-%02u", 1 + rnd(sd) % 11, 1 + rnd(sd) % 28);
		record *r = record_new(REC_REFERRAL);
		int bad = !r || record_set(r, "resident", res[i * 7 % PER_RESIDENT]) |
		          record_set(r, "needs", need[i]) | record_set(r, "category", PICK(cats, sd)) |
		          record_set(r, "urgency", "soon") |
		          record_set(r, "reason", "村里无法解决，需要镇社工站协调专业服务") |
		          record_set(r, "consent", "yes") | record_set(r, "village", vid) |
		          record_set(r, "to_unit", s->tid) | record_set(r, "status", "draft") |
		          record_set(r, "due", date);
		err = put(t, r, bad, s, NULL);
	}
	for (int i = 0; i < PER_VOLUNTEER && !err; i++) {
		char name[64], id[19], birth[11];
		snprintf(name, sizeof name, "%s%s", PICK(surnames, sd), PICK(given, sd));
		idnum(s, id, birth);
		record *r = record_new(REC_VOLUNTEER);
		int bad = !r || record_set(r, "name", name) | record_set(r, "idnum", id) |
		          record_set(r, "sex", id[16] % 2 ? "m" : "f") |
		          record_set(r, "phone", "13800001234") | record_set(r, "village", vid) |
		          record_set(r, "skills", "护理，驾驶") | record_set(r, "interests", "care") |
		          record_set(r, "registered", "2026-03-01") | record_set(r, "status", "active");
		err = put(t, r, bad, s, NULL);
	}
	free(res);
	free(need);
	return err ? err : store_txn_error(t);
}

/* --change: the first open needs set to met, and new services */
struct change {
	long n, needs, services;
	char vid[VILLAGES * 4][REC_ID_TEXTMAX];
	int nv;
	record **hit;
	long nhit;
};

static int
village_fn(const record *r, void *ctx)
{
	struct change *c = ctx;
	if (orgunit_level_of(r) == UNIT_VILLAGE && c->nv < VILLAGES * 4)
		rec_id_format(&r->id, c->vid[c->nv++]);
	return 0;
}

static int
open_fn(const record *r, void *ctx)
{
	struct change *c = ctx;
	const char *st = record_get(r, "status");
	if (c->nhit >= c->needs)
		return 1;
	if (st && strcmp(st, "met") != 0)
		c->hit[c->nhit++] = record_dup(r);
	return 0;
}

static int
change_txn(store_txn *t, void *ctx)
{
	struct change *c = ctx;
	int err = store_scan(t, REC_UNIT, NULL, village_fn, c);
	if (err || c->nv == 0)
		return err ? err : store_txn_fail(t, STORE_NOTFOUND);
	store_scan(t, REC_NEED, NULL, open_fn, c);
	for (long i = 0; i < c->nhit && !err; i++) {
		record_set(c->hit[i], "status", "met");
		err = store_put(t, c->hit[i]);
	}
	unsigned sd = 77;
	for (long i = 0; i < c->services && !err; i++) {
		record *r = record_new(REC_SERVICE);
		int bad = !r || record_set(r, "_form", "service_care") | record_set(r, "function", "care") |
		          record_set(r, "date", "2026-12-03") | record_set(r, "worker", "村专干") |
		          record_set(r, "village", c->vid[i % c->nv]) | record_set(r, "work_kind", "visit") |
		          record_set(r, "content", PICK(contents, &sd)) | record_set(r, "hours", "1.5");
		err = bad ? store_txn_fail(t, STORE_NOMEM) : store_put(t, r);
		record_free(r);
	}
	return err ? err : store_txn_error(t);
}

static int
change(long n, const char *db)
{
	store *st;
	if (n < 1 || store_open(&st, db, 0)) {
		fprintf(stderr, "bench-province: cannot open %s\n", db);
		return 1;
	}
	audit_attach(st);
	store_set_user(st, "bench");
	struct change *c = calloc(1, sizeof *c);
	if (!c)
		return 1;
	c->n = n;
	c->services = n / 2;
	c->needs = n - n / 2;
	c->hit = calloc((size_t)c->needs, sizeof *c->hit);
	int err = c->hit ? store_write(st, change_txn, c) : 1;
	if (!err)
		printf("%ld records changed (%ld needs met, %ld new services)\n", c->nhit + c->services,
		       c->nhit, c->services);
	for (long i = 0; i < c->nhit; i++)
		record_free(c->hit[i]);
	free(c->hit);
	free(c);
	store_close(st);
	return err ? 1 : 0;
}

static long
scaled(double n, double scale)
{
	long k = lround(n * scale);
	return k < 1 ? 1 : k;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--change") == 0)
		return change(atol(argv[2]), argv[3]);
	if (argc != 3 || atof(argv[1]) <= 0) {
		fprintf(stderr, "usage: bench-province SCALE DIR\n"
		                "       bench-province --change N DB\n");
		return 2;
	}
	double scale = atof(argv[1]);
	const char *dir = argv[2];
	long cities = scaled(20, scale), counties = scaled(180, scale), towns = scaled(3000, scale);
	if (counties < cities)
		counties = cities;
	if (towns < counties)
		towns = counties;
	mkdir(dir, 0755);
	long total[11] = {0};
	for (long k = 0; k < towns; k++) {
		struct site s = {.seed = 20261204u + (unsigned)k};
		long county = k % counties, city = county % cities;
		snprintf(s.county, sizeof s.county, "51%02u%02u", (unsigned)(city + 1) % 100u,
		         (unsigned)(county / cities + 1) % 100u);
		snprintf(s.township, sizeof s.township, "%s%03u", s.county, (unsigned)(k / counties + 100) % 1000u);
		s.serial = k / counties * VILLAGES * (PER_RESIDENT + PER_VOLUNTEER);
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, s.township);
		store *st;
		if (store_open(&st, path, STORE_CREATE)) {
			fprintf(stderr, "bench-province: cannot make %s\n", path);
			return 1;
		}
		audit_attach(st);
		store_set_user(st, "bench");
		int err = store_write(st, units_txn, &s);
		for (s.village = 0; s.village < VILLAGES && !err; s.village++)
			err = store_write(st, village_txn, &s);
		store_close(st);
		if (err) {
			fprintf(stderr, "bench-province: %s: error %d\n", path, err);
			return 1;
		}
		long all = 0;
		for (int i = 0; i < 11; i++)
			all += s.made[i], total[i] += s.made[i];
		printf("%s %ld\n", path, all);
	}
	long all = 0;
	for (int i = 0; i < 11; i++)
		all += total[i];
	printf("total: %ld cities, %ld counties, %ld townships, %ld villages; %ld records: "
	       "%ld units, %ld residents, %ld needs, %ld services, %ld referrals, %ld volunteers\n",
	       cities, counties, towns, towns * VILLAGES, all, total[REC_UNIT], total[REC_RESIDENT],
	       total[REC_NEED], total[REC_SERVICE], total[REC_REFERRAL], total[REC_VOLUNTEER]);
	return 0;
}
