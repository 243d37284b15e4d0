/* demo.c: builds the demo database from tables of sample units, names and needs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"
#include "i18n.h"
#include "index.h"
#include "orgunit.h"
#include "refer.h"
#include "scope.h"
#include "valid.h"
#include "util.h"

/* Miyi County (米易县, 510421) and sample townships and villages below it.
 * The county is real; the townships' and villages' codes are samples. */
static const struct {
	const char *code, *name;
} units[] = {
	{"510421", "米易县"},
	{"510421100", "攀莲镇"},
	{"510421100001", "安宁村"},
	{"510421100002", "挂榜村"},
	{"510421100003", "龙华社区"},
	{"510421101", "丙谷镇"},
	{"510421101001", "新山村"},
	{"510421101002", "双沟村"},
	{"510421101003", "芭蕉箐村"},
	{"510421102", "白马镇"},
	{"510421102001", "草场村"},
	{"510421102002", "丰收村"},
	{"510421102003", "麻陇村"},
};

/* Sample workers: login, name, role, unit. */
static const struct {
	const char *login, *name;
	int role;
	const char *unit;
} workers[] = {
	{"admin", "县民政局管理员", ROLE_ADMIN, "510421"},
	{"dudao", "周督导", ROLE_SUPERVISOR, "510421"},
	{"xian", "孙县站", ROLE_TOWNSHIP, "510421"},   /* the county station: referrals sent up */
	{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
	{"bingu", "何社工", ROLE_TOWNSHIP, "510421101"},
	{"baima", "罗社工", ROLE_TOWNSHIP, "510421102"},
	{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
	{"guabang", "张建国", ROLE_VILLAGE, "510421100002"},
	{"longhua", "陈丽", ROLE_VILLAGE, "510421100003"},
	{"xinshan", "王秀英", ROLE_VILLAGE, "510421101001"},
	{"shuanggou", "刘德明", ROLE_VILLAGE, "510421101002"},
	{"caochang", "赵小芳", ROLE_VILLAGE, "510421102001"},
};

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙",
	"胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢",
	"韩", "唐", "冯", "于", "董", "萧", "曾", "单", "解", "仇", "区", "阿",
};
static const char *const given[] = {
	"秀英", "桂英", "建国", "德明", "玉兰", "志强", "海燕", "文华", "国华",
	"丽", "军", "勇", "芳", "敏", "静", "强", "磊", "洋", "艳", "杰", "娟",
	"子涵", "梓萱", "浩然", "一诺", "欣怡", "宇轩", "雨桐", "春花", "正福",
	/* rare characters outside the BMP, as real registers have them */
	"𠈌", "𡃁", "𠮷祥", "小𡃁", "𤭢梅",
};
/* values of the shared choice lists in forms/choices */
static const char *const categories[] = {
	"dibao", "tekun", "dibao_edge", "disabled", "left_behind", "child_difficulty",
	"elder_alone", "empty_nest", "mental", "veteran",
};
static const char *const relations[] = {"head", "spouse", "child", "parent", "grandchild"};
static const char *const channels[] = {"visit", "walk_in", "phone", "grid", "referred"};
static const char *const services[] = {
	"assessment", "assistance", "care", "governance", "resources", "livelihood",
};
static const char *const needs_text[] = {
	"独居老人行动不便，需要定期探访和代购生活用品",
	"留守儿童课后无人照看，作业辅导有困难",
	"家庭收入低，申请临时救助",
	"残疾人两项补贴到期，需协助续办",
	"精神障碍患者康复期，需要社区随访",
	"希望学习电商技能，拓宽农产品销售渠道",
	"邻里因宅基地发生纠纷，需要调解",
	"老人慢性病用药负担重，需链接医疗救助",
};
static const char *const urgencies[] = {"normal", "soon", "urgent"};
static const char *const statuses[] = {"open", "in_progress", "met", "closed"};

/* A small deterministic generator: the same seed, the same demo. */
static unsigned
next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}

#define PICK(s, arr) (arr[next(s) % (NELEM(arr))])

struct demo {
	const char *login;
	unsigned seed0, seed;
	struct demo_counts counts;
	int err;
};

static int
make_resident(store_txn *t, struct demo *d, const record *village, int n,
              const char *household, const char *relation, int year, rec_id *out)
{
	unsigned *s = &d->seed;
	char name[64], idnum[20], birth[16], phone[16], group[16], addr[160];
	char cats[128] = "";
	int month = 1 + (int)(next(s) % 12), day = 1 + (int)(next(s) % 28);
	bool female = next(s) % 2;
	snprintf(name, sizeof name, "%s%s", PICK(s, surnames), PICK(s, given));
	/* sequence digits: odd for men, even for women (GB 11643) */
	int seq = (int)(next(s) % 500) * 2 + (female ? 0 : 1);
	snprintf(idnum, sizeof idnum, "510421%04d%02d%02d%03d", year, month, day, seq);
	idnum[17] = valid_id_checkchar(idnum);
	idnum[18] = '\0';
	snprintf(birth, sizeof birth, "%04d-%02d-%02d", year, month, day);
	snprintf(phone, sizeof phone, "1%d%09u", 3 + (int)(next(s) % 7), next(s) % 1000000000u);
	snprintf(group, sizeof group, "%d组", 1 + n % 8);
	snprintf(addr, sizeof addr, "%s%s%d号", record_get(village, "name"), group, 1 + n % 60);
	unsigned roll = next(s) % 10;
	if (roll < 4) {
		snprintf(cats, sizeof cats, "%s", PICK(s, categories));
		if (roll == 0) {
			const char *second = PICK(s, categories);
			if (strcmp(second, cats) != 0)
				snprintf(cats + strlen(cats), sizeof cats - strlen(cats), ",%s", second);
		}
	}
	char vid[REC_ID_TEXTMAX];
	record *r = record_new(REC_RESIDENT);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	int bad = record_set(r, "name", name) | record_set(r, "sex", female ? "f" : "m") |
	          record_set(r, "idnum", idnum) | record_set(r, "birth", birth) |
	          record_set(r, "phone", phone) |
	          record_set(r, "village", rec_id_format(&village->id, vid)) |
	          record_set(r, "group", group) | record_set(r, "address", addr) |
	          record_set(r, "household", household) | record_set(r, "relation", relation) |
	          record_set(r, "categories", cats) | record_set(r, "status", "active");
	if (strstr(cats, "disabled")) {
		static const char *const dcat[] = {"vision", "hearing", "physical", "intellectual", "mental"};
		static const char *const grade[] = {"1", "2", "3", "4"};
		bad |= record_set(r, "disability_category", PICK(s, dcat)) |
		       record_set(r, "disability_grade", PICK(s, grade));
	}
	if (bad) {
		record_free(r);
		return store_txn_fail(t, STORE_NOMEM);
	}
	int err = store_put(t, r);
	if (!err) {
		*out = r->id;
		d->counts.residents++;
	}
	record_free(r);
	return err;
}

static int
make_need(store_txn *t, struct demo *d, const record *village, const rec_id *who)
{
	unsigned *s = &d->seed;
	char rid[REC_ID_TEXTMAX], vid[REC_ID_TEXTMAX], date[16];
	snprintf(date, sizeof date, "2026-%02u-%02u", 1 + next(s) % 11, 1 + next(s) % 28);
	record *r = record_new(REC_NEED);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	int bad = record_set(r, "who", "resident") |
	          record_set(r, "resident", rec_id_format(who, rid)) |
	          record_set(r, "village", rec_id_format(&village->id, vid)) |
	          record_set(r, "date", date) | record_set(r, "channel", PICK(s, channels)) |
	          record_set(r, "service", PICK(s, services)) |
	          record_set(r, "description", PICK(s, needs_text)) |
	          record_set(r, "urgency", PICK(s, urgencies)) |
	          record_set(r, "status", PICK(s, statuses)) |
	          record_set(r, "worker", d->login);
	if (bad) {
		record_free(r);
		return store_txn_fail(t, STORE_NOMEM);
	}
	int err = store_put(t, r);
	if (!err)
		d->counts.needs++;
	record_free(r);
	return err;
}

/* Households of one to four people in one village. */
static int
fill_village(store_txn *t, struct demo *d, const record *village)
{
	int people = 0;
	for (int h = 1; h <= 12; h++) {
		char household[32];
		snprintf(household, sizeof household, "%s-%03d", record_get(village, "code") + 9, h);
		int size = 1 + (int)(next(&d->seed) % 4);
		for (int m = 0; m < size; m++, people++) {
			int year = m == 0 ? 1940 + (int)(next(&d->seed) % 45)
			                  : 1950 + (int)(next(&d->seed) % 70);
			rec_id id;
			int err = make_resident(t, d, village, people, household,
			                        m == 0 ? "head" : relations[1 + next(&d->seed) % 4],
			                        year, &id);
			if (err)
				return err;
			if (next(&d->seed) % 3 == 0 && (err = make_need(t, d, village, &id)))
				return err;
		}
	}
	return 0;
}

static int
fill_txn(store_txn *t, void *ctx)
{
	struct demo *d = ctx;
	int err;
	/* a retry after the map grew must make the same data again */
	d->seed = d->seed0;
	memset(&d->counts, 0, sizeof d->counts);
	for (size_t i = 0; i < NELEM(units); i++) {
		if ((err = orgunit_add(t, units[i].code, units[i].name, NULL)))
			return err;
		d->counts.units++;
	}
	for (size_t i = 0; i < NELEM(workers); i++) {
		if ((err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                      workers[i].unit, NULL)))
			return err;
		d->counts.workers++;
	}
	/* the person trying the demo works in the first village */
	record *w;
	err = worker_by_login(t, d->login, &w);
	if (err == STORE_NOTFOUND) {
		if ((err = worker_add(t, d->login, d->login, ROLE_VILLAGE, "510421100001", NULL)))
			return err;
		d->counts.workers++;
	} else if (err) {
		return err;
	} else {
		record_free(w);
	}
	for (size_t i = 0; i < NELEM(units); i++) {
		if (orgunit_level_of_code(units[i].code) != UNIT_VILLAGE)
			continue;
		record *v;
		if ((err = orgunit_by_code(t, units[i].code, &v)))
			return err;
		err = fill_village(t, d, v);
		record_free(v);
		if (err)
			return err;
	}
	return 0;
}

/* --- sample referrals ------------------------------------------------------ */

/* Needs of 安宁村's residents, one per resident, to refer. */
struct picked {
	const char *village;
	char need[3][REC_ID_TEXTMAX], resident[3][REC_ID_TEXTMAX];
	int n;
	store_txn *t;
};

static int
pick_need(const rec_id *id, const char *value, void *ctx)
{
	struct picked *p = ctx;
	if (strcmp(value, p->village) != 0)
		return 0;
	record *r;
	int err = store_get(p->t, id, &r);
	if (err)
		return err == STORE_NOTFOUND ? 0 : err;
	const char *who = record_get(r, "resident");
	bool fresh = who && *who;
	for (int i = 0; i < p->n && fresh; i++)
		fresh = strcmp(p->resident[i], who) != 0;
	if (fresh) {
		snprintf(p->resident[p->n], sizeof p->resident[0], "%s", who);
		rec_id_format(id, p->need[p->n]);
		p->n++;
	}
	record_free(r);
	return p->n == 3 ? 1 : 0;
}

static int
pick_txn(store_txn *t, void *ctx)
{
	struct picked *p = ctx;
	p->t = t;
	int rc = store_find(t, IDX_VILLAGE, REC_NEED, p->village, pick_need, p);
	return rc == 1 ? 0 : rc;
}

/* One referral of 安宁村 to 攀莲镇, taken as far as the steps go, each by
 * the worker whose step it is (saved under their login). */
static const struct demo_referral {
	const char *category, *urgency, *reason, *done, *contact;
	const char *submitted;
	const char *accepted;   /* NULL: left submitted */
	const char *resolved;   /* NULL: not resolved */
	const char *feedback;
} demo_referrals[] = {
	{"elderly", "urgent", "独居老人，近来行动不便，子女在外务工，需要乡镇社工站链接居家照护服务。",
	 "已入户走访两次，联系了在外的女儿；邻居每天帮忙送饭。", "女儿 13880000001", "2026-11-26",
	 NULL, NULL, NULL},
	{"disability", "soon", "二级肢体残疾，轮椅已损坏，申请辅具适配和残疾人两项补贴复核。",
	 "已协助准备残疾证复印件和补贴申请表。", "本人 13880000002", "2026-11-16", "2026-11-18",
	 NULL, NULL},
	{"hardship", "normal", "家庭收入低于特困标准，无劳动能力，需要乡镇审核特困供养。",
	 "已入户核实家庭收入和住房情况，收集了证明材料。", "村委会代转", "2026-10-15",
	 "2026-10-16", "2026-10-28",
	 "已纳入特困供养，11月起按月发放；请村社工室每月回访一次，有变化及时告诉社工站。"},
};

/* Work as login on st (the audit trail and the records say so). */
static int
act_as(store *st, const char *login, struct scope **sc)
{
	scope_free(*sc);
	*sc = NULL;
	int err = scope_load_now(st, login, sc);
	if (!err)
		err = store_set_user(st, login);
	return err;
}

static int
make_referrals(store *st, struct demo_counts *counts)
{
	struct scope *sc = NULL;
	int err = act_as(st, "anning", &sc);
	if (err)
		return err;
	struct picked p = {.village = sc->unit};
	if ((err = store_read(st, pick_txn, &p)))
		goto out;
	rec_id ids[3];
	for (int i = 0; i < p.n && i < 3 && !err; i++) {
		const struct demo_referral *dr = &demo_referrals[i];
		const char *needs[1] = {p.need[i]};
		struct refer_new in = {p.resident[i], needs, 1, dr->category, dr->urgency,
		                       dr->reason, dr->done, dr->contact, true, NULL, dr->submitted};
		if (!(err = refer_create(st, sc, &in, true, &ids[i], NULL, 0)) && counts)
			counts->referrals++;
	}
	if (!err)
		err = act_as(st, "panlian", &sc);
	for (int i = 0; i < p.n && i < 3 && !err; i++) {
		const struct demo_referral *dr = &demo_referrals[i];
		struct refer_act_in in = {NULL, REFO_SUCCESS, dr->feedback, 0, dr->accepted};
		if (dr->accepted)
			err = refer_act(st, sc, &ids[i], REFA_ACCEPT, &in, NULL, NULL, 0);
		in.today = dr->resolved;
		if (!err && dr->resolved)
			err = refer_act(st, sc, &ids[i], REFA_RESOLVE, &in, NULL, NULL, 0);
	}
out:
	scope_free(sc);
	return err;
}

int
demo_fill(store *st, const char *login, unsigned seed, struct demo_counts *counts)
{
	struct demo d = {.login = login, .seed0 = seed};
	const char *user = store_user(st);
	char *was = user ? strdup(user) : NULL;
	int err = store_write(st, fill_txn, &d);
	if (!err)
		err = make_referrals(st, &d.counts);
	if (was)
		store_set_user(st, was);
	free(was);
	if (!err && counts)
		*counts = d.counts;
	return err;
}
