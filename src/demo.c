/* demo.c: builds the demo database from tables of sample units, names and needs. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
static const char *const given_m[] = {
	"建国", "德明", "志强", "文华", "国华", "军", "勇", "强", "磊", "洋", "杰",
	"浩然", "宇轩", "正福",
	/* rare characters outside the BMP, as real registers have them */
	"𠈌", "𡃁", "𠮷祥",
};
static const char *const given_f[] = {
	"秀英", "桂英", "玉兰", "海燕", "丽", "芳", "敏", "静", "艳", "娟", "子涵",
	"梓萱", "一诺", "欣怡", "雨桐", "春花", "小𡃁", "𤭢梅",
};
static const char *const channels[] = {"visit", "walk_in", "phone", "grid", "referred"};
static const char *const urgencies[] = {"normal", "soon", "urgent"};
static const char *const open_statuses[] = {"open", "in_progress", "in_progress", "met"};

/* Needs, each with the function that answers it. */
enum need_kind { N_ELDER, N_CHILD, N_INCOME, N_DISABLED, N_MENTAL, N_SKILLS, N_DISPUTE,
                 N_MEDICINE };
static const struct {
	const char *text, *service;
} needs_text[] = {
	[N_ELDER] = {"独居老人行动不便，需要定期探访和代购生活用品", "care"},
	[N_CHILD] = {"留守儿童课后无人照看，作业辅导有困难", "care"},
	[N_INCOME] = {"家庭收入低，申请临时救助", "assistance"},
	[N_DISABLED] = {"残疾人两项补贴到期，需协助续办", "assistance"},
	[N_MENTAL] = {"精神障碍患者康复期，需要社区随访和家庭评估", "assessment"},
	[N_SKILLS] = {"希望学习电商技能，拓宽农产品销售渠道", "livelihood"},
	[N_DISPUTE] = {"邻里因宅基地发生纠纷，需要调解", "governance"},
	[N_MEDICINE] = {"老人慢性病用药负担重，需链接医疗救助", "resources"},
};

/* The six functions in the notice's order, what a service of each says. */
static const struct {
	const char *function, *work_kind;
	const char *content[3];
} service_text[] = {
	/* short enough for the list's column at 80 columns */
	{"assessment", "visit",
	 {"入户评估家庭收入和照料情况", "与家属面谈评估照护需求", "电话复核上月评估结果"}},
	{"assistance", "case",
	 {"协助准备低保年审材料", "协助申请临时救助", "代办残疾人两项补贴续办"}},
	{"care", "visit",
	 {"入户探访独居老人，代购米油", "为留守儿童辅导课后作业", "陪同空巢老人到卫生院复诊"}},
	{"governance", "community",
	 {"召开院坝会商议村道维修", "调解两户邻里宅基地纠纷", "宣传移风易俗，红白事简办"}},
	{"resources", "case",
	 {"链接爱心米油送困难家庭", "链接慈善助学金资助上学", "联系义诊医生上门体检"}},
	{"livelihood", "group",
	 {"组织农户参加电商直播培训", "联系收购商帮农户卖芒果", "推荐村民到县城企业务工"}},
};
static const char *const assessment_methods[] = {"入户访谈", "电话访谈", "家属面谈"};
static const char *const assistance_kinds[] = {"dibao", "temporary", "medical",
                                               "disability_subsidy"};
static const char *const governance_acts[] = {"self_rule", "mediation", "customs", "charity"};
static const char *const livelihood_channels[] = {"training", "sales", "employment"};
static const char *const products[] = {"芒果", "枇杷", "蔬菜", "电商技能", "家政技能"};

/* A small deterministic generator: the same seed, the same demo. */
static unsigned
next(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xFFFFFF;
}

#define PICK(s, arr) (arr[next(s) % (NELEM(arr))])
#define MAXPEOPLE 80

/* A resident of the village being filled, as the services need them. */
struct person {
	char id[REC_ID_TEXTMAX];
	char need[REC_ID_TEXTMAX];   /* their need, or "" */
	char cats[64];
	int age;
	bool used;                   /* referred already */
};

struct demo {
	const char *login;
	unsigned seed0, seed;
	struct demo_counts counts;
	struct tm today;             /* local time */
	char today_s[11];
	/* the village being filled */
	const char *worker;          /* its worker's login */
	char vid[REC_ID_TEXTMAX];
	const char *vname, *vcode;
	struct person people[MAXPEOPLE];
	int npeople;
	int unvisited;               /* an elder not visited this month */
	char vols[3][REC_ID_TEXTMAX], res[3][REC_ID_TEXTMAX], orgs[2][REC_ID_TEXTMAX];
	/* 安宁村's people, for the referrals */
	struct person first[MAXPEOPLE];
	int nfirst;
};

/* The date n days before today (after, when n < 0), "YYYY-MM-DD". */
static void
days_ago(const struct demo *d, int n, char out[11])
{
	struct tm tm = d->today;
	tm.tm_mday -= n;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* A day of the month back months before this one, not after today. */
static void
day_in_month(struct demo *d, int back, char out[11])
{
	struct tm tm = d->today;
	tm.tm_mday = 1;
	tm.tm_mon -= back;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	mktime(&tm);
	int last = back == 0 ? d->today.tm_mday : 28;
	tm.tm_mday = 1 + (int)(next(&d->seed) % (unsigned)last);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

static int
put(store_txn *t, record *r, int bad, char *idout)
{
	if (bad) {
		record_free(r);
		return store_txn_fail(t, STORE_NOMEM);
	}
	int err = store_put(t, r);
	if (!err && idout)
		rec_id_format(&r->id, idout);
	record_free(r);
	return err;
}

/* An ID number of someone age years old (on their birthday this year or
 * a day after it), its birth date in birth. */
static void
make_idnum(struct demo *d, int age, bool female, char idnum[19], char birth[11])
{
	unsigned *s = &d->seed;
	int y = d->today.tm_year + 1900 - age;
	/* a birthday already past this year: the age is exact */
	int m = 1 + (int)(next(s) % (unsigned)(d->today.tm_mon + 1));
	int day = 1 + (int)(next(s) % 28);
	if (m == d->today.tm_mon + 1 && day > d->today.tm_mday)
		day = d->today.tm_mday;
	/* sequence digits: odd for men, even for women (GB 11643) */
	int seq = (int)(next(s) % 500) * 2 + (female ? 0 : 1);
	snprintf(idnum, 19, "510421%04u%02u%02u%03u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)day % 100u, (unsigned)seq % 1000u);
	idnum[17] = valid_id_checkchar(idnum);
	idnum[18] = '\0';
	snprintf(birth, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
	         (unsigned)day % 100u);
}

struct member {
	const char *relation;
	int age;
	bool female;
	const char *cats;
	int need;    /* enum need_kind, or -1 */
};

static int
make_need(store_txn *t, struct demo *d, const char *who, int kind, char *out)
{
	unsigned *s = &d->seed;
	char date[11], followup[11];
	days_ago(d, (int)(next(s) % 170), date);
	const char *status = PICK(s, open_statuses);
	record *r = record_new(REC_NEED);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	int bad = record_set(r, "who", "resident") | record_set(r, "resident", who) |
	          record_set(r, "village", d->vid) | record_set(r, "date", date) |
	          record_set(r, "channel", PICK(s, channels)) |
	          record_set(r, "service", needs_text[kind].service) |
	          record_set(r, "description", needs_text[kind].text) |
	          record_set(r, "urgency", PICK(s, urgencies)) | record_set(r, "status", status) |
	          record_set(r, "worker", d->worker);
	/* some follow-ups due: today, or a few days overdue */
	if (strcmp(status, "met") != 0 && next(s) % 2) {
		days_ago(d, (int)(next(s) % 4), followup);
		bad |= record_set(r, "followup", followup);
	}
	int err = put(t, r, bad, out);
	if (!err)
		d->counts.needs++;
	return err;
}

static int
make_member(store_txn *t, struct demo *d, const char *household, const char *surname,
            const char *group, const char *addr, const struct member *m)
{
	unsigned *s = &d->seed;
	char name[64], idnum[19], birth[11], phone[16];
	snprintf(name, sizeof name, "%s%s", surname, m->female ? PICK(s, given_f) : PICK(s, given_m));
	make_idnum(d, m->age, m->female, idnum, birth);
	snprintf(phone, sizeof phone, "1%d%09u", 3 + (int)(next(s) % 7), next(s) % 1000000000u);
	record *r = record_new(REC_RESIDENT);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	int bad = record_set(r, "name", name) | record_set(r, "sex", m->female ? "f" : "m") |
	          record_set(r, "idnum", idnum) | record_set(r, "birth", birth) |
	          record_set(r, "village", d->vid) | record_set(r, "group", group) |
	          record_set(r, "address", addr) | record_set(r, "household", household) |
	          record_set(r, "relation", m->relation) | record_set(r, "categories", m->cats) |
	          record_set(r, "status", "active");
	if (m->age >= 16)
		bad |= record_set(r, "phone", phone);
	if (strstr(m->cats, "disabled")) {
		static const char *const dcat[] = {"vision", "hearing", "physical"};
		static const char *const grade[] = {"2", "3", "4"};
		bad |= record_set(r, "disability_category", PICK(s, dcat)) |
		       record_set(r, "disability_grade", PICK(s, grade));
	}
	if (m->age < 18)
		bad |= record_set(r, "guardian",
		                  strcmp(m->relation, "grandchild") == 0 ? "祖父母" : "父母") |
		        record_set(r, "guardian_phone", "13881234567");
	struct person *p = d->npeople < MAXPEOPLE ? &d->people[d->npeople] : NULL;
	char id[REC_ID_TEXTMAX];
	int err = put(t, r, bad, id);
	if (err)
		return err;
	d->counts.residents++;
	if (!p)
		return 0;
	d->npeople++;
	memset(p, 0, sizeof *p);
	snprintf(p->id, sizeof p->id, "%s", id);
	snprintf(p->cats, sizeof p->cats, "%s", m->cats);
	p->age = m->age;
	if (m->need >= 0)
		return make_need(t, d, id, m->need, p->need);
	return 0;
}

/* Households of six kinds in turn, whose members' ages, sexes, relations
 * and categories agree. */
static int
make_household(store_txn *t, struct demo *d, int h)
{
	unsigned *s = &d->seed;
	struct member m[5];
	int n = 0;
	int age = 0;
	bool f = false;
	switch (h % 6) {
	case 0:   /* an elder living alone */
		age = 68 + (int)(next(s) % 18);
		m[n++] = (struct member){"head", age, next(s) % 2 != 0,
		                         h % 12 == 0 ? "elder_alone,tekun" : "elder_alone", N_ELDER};
		break;
	case 1:   /* an empty-nest couple */
		age = 64 + (int)(next(s) % 15);
		m[n++] = (struct member){"head", age, false, h % 12 == 1 ? "empty_nest,veteran" : "empty_nest",
		                         N_MEDICINE};
		m[n++] = (struct member){"spouse", age - 3 + (int)(next(s) % 5), true, "empty_nest", -1};
		break;
	case 2:   /* grandparents and left-behind grandchildren */
		age = 58 + (int)(next(s) % 12);
		m[n++] = (struct member){"head", age, false, "", -1};
		m[n++] = (struct member){"spouse", age - 2 - (int)(next(s) % 3), true, "", -1};
		m[n++] = (struct member){"grandchild", 7 + (int)(next(s) % 8), next(s) % 2 != 0,
		                         "left_behind", N_CHILD};
		if (next(s) % 2)
			m[n++] = (struct member){"grandchild", 3 + (int)(next(s) % 4), next(s) % 2 != 0,
			                         "left_behind", -1};
		break;
	case 3:   /* a young family on the minimum allowance */
		age = 32 + (int)(next(s) % 12);
		m[n++] = (struct member){"head", age, false, "dibao", N_INCOME};
		m[n++] = (struct member){"spouse", age - 4 + (int)(next(s) % 6), true,
		                         h % 12 == 3 ? "dibao,disabled" : "dibao", -1};
		m[n++] = (struct member){"child", 4 + (int)(next(s) % 11), next(s) % 2 != 0,
		                         "child_difficulty", -1};
		break;
	case 4:   /* a family with an old parent */
		age = 40 + (int)(next(s) % 14);
		f = next(s) % 2 != 0;
		m[n++] = (struct member){"head", age, f, "", h % 12 == 4 ? N_SKILLS : N_DISPUTE};
		m[n++] = (struct member){"spouse", age - 3 + (int)(next(s) % 6), !f, "", -1};
		m[n++] = (struct member){"child", age - 24 - (int)(next(s) % 6), next(s) % 2 != 0, "", -1};
		m[n++] = (struct member){"parent", age + 24 + (int)(next(s) % 8), true, "disabled",
		                         N_DISABLED};
		break;
	default:  /* a man with a mental disorder and his mother */
		age = 30 + (int)(next(s) % 14);
		m[n++] = (struct member){"head", age, false, "mental", N_MENTAL};
		m[n++] = (struct member){"parent", age + 25 + (int)(next(s) % 6), true,
		                         age + 25 >= 60 ? "dibao_edge" : "", -1};
		break;
	}
	char household[32], group[16], addr[160];
	snprintf(household, sizeof household, "%s-%03d", d->vcode, h + 1);
	snprintf(group, sizeof group, "%d组", 1 + h % 8);
	snprintf(addr, sizeof addr, "%s%s%d号", d->vname, group, 1 + (h * 7) % 60);
	const char *surname = PICK(s, surnames);
	for (int i = 0; i < n; i++) {
		/* the family name is the head's, or the father's; a wife keeps hers */
		const char *sn = (m[i].female && (strcmp(m[i].relation, "spouse") == 0 ||
		                                 strcmp(m[i].relation, "parent") == 0))
		                     ? PICK(s, surnames)
		                     : surname;
		int err = make_member(t, d, household, sn, group, addr, &m[i]);
		if (err)
			return err;
	}
	return 0;
}

/* A person of the village with one of the categories in cats (a comma
 * list), not the elder left unvisited when this month; NULL when none. */
static const struct person *
someone(struct demo *d, const char *cats, bool this_month)
{
	int n = d->npeople, start = n ? (int)(next(&d->seed) % (unsigned)n) : 0;
	for (int k = 0; k < n; k++) {
		int i = (start + k) % n;
		const struct person *p = &d->people[i];
		if (this_month && i == d->unvisited)
			continue;
		char want[128];
		snprintf(want, sizeof want, "%s", cats);
		for (char *c = strtok(want, ","); c; c = strtok(NULL, ","))
			if (strstr(p->cats, c) || (strcmp(c, "adult") == 0 && p->age >= 18 && p->age < 60))
				return p;
	}
	return NULL;
}

/* The village's volunteers, organisations, resources and project. */
static int
make_partners(store_txn *t, struct demo *d)
{
	unsigned *s = &d->seed;
	int err;
	char date[11], name[96], members[4 * REC_ID_TEXTMAX] = "";
	for (int k = 0, got = 0; k < d->npeople && got < 4; k++)
		if (d->people[k].age >= 30 && d->people[k].age < 70 && !d->people[k].cats[0]) {
			if (got++)
				strcat(members, ",");
			strcat(members, d->people[k].id);
		}
	/* a registered organisation and an unregistered dance team */
	static const struct {
		const char *name, *type, *reg, *field, *stage;
	} orgs[] = {
		{"老年协会", "social", "registered", "care,governance", "active"},
		{"坝坝舞队", "self", "unregistered", "governance", "cultivating"},
	};
	for (int i = 0; i < 2; i++) {
		snprintf(name, sizeof name, "%s", orgs[i].name);
		days_ago(d, 400 + 300 * i, date);
		record *r = record_new(REC_ORG);
		if (!r)
			return store_txn_fail(t, STORE_NOMEM);
		int bad = record_set(r, "name", name) | record_set(r, "org_type", orgs[i].type) |
		          record_set(r, "registered", orgs[i].reg) |
		          record_set(r, "field", orgs[i].field) | record_set(r, "founded", date) |
		          record_set(r, "stage", orgs[i].stage) | record_set(r, "village", d->vid);
		if (members[0]) {
			char lead[REC_ID_TEXTMAX];
			snprintf(lead, sizeof lead, "%.*s", (int)strcspn(members, ","), members);
			bad |= record_set(r, "members", members) | record_set(r, "leader", lead);
		}
		if ((err = put(t, r, bad, d->orgs[i])))
			return err;
		d->counts.orgs++;
	}
	/* volunteers, two of them dancers */
	static const char *const skills[] = {"会唱歌跳舞，能组织文艺活动", "懂电脑，会网上办事",
	                                     "退休教师，能辅导作业"};
	for (int i = 0; i < 3; i++) {
		char idnum[19], birth[11], phone[16];
		bool female = i != 1;
		snprintf(name, sizeof name, "%s%s", PICK(s, surnames),
		         female ? PICK(s, given_f) : PICK(s, given_m));
		make_idnum(d, 25 + (int)(next(s) % 35), female, idnum, birth);
		snprintf(phone, sizeof phone, "13%09u", next(s) % 1000000000u);
		days_ago(d, 200 + 30 * i, date);
		record *r = record_new(REC_VOLUNTEER);
		if (!r)
			return store_txn_fail(t, STORE_NOMEM);
		int bad = record_set(r, "name", name) | record_set(r, "idnum", idnum) |
		          record_set(r, "sex", female ? "f" : "m") | record_set(r, "phone", phone) |
		          record_set(r, "village", d->vid) | record_set(r, "skills", skills[i]) |
		          record_set(r, "interests", i == 2 ? "care" : "care,governance") |
		          record_set(r, "registered", date) | record_set(r, "status", "active");
		if (i != 2)
			bad |= record_set(r, "team", d->orgs[1]);
		if ((err = put(t, r, bad, d->vols[i])))
			return err;
		d->counts.volunteers++;
	}
	/* resources */
	static const struct {
		const char *name, *category, *provider, *quantity, *unit, *inside;
	} res[] = {
		{"爱心米油", "goods", "爱心企业", "200", "袋", "outside"},
		{"慈善助学金", "money", "县慈善会", "20000", "元", "outside"},
		{"义诊医生", "talent", "镇卫生院", "24", "次", "inside"},
	};
	for (int i = 0; i < 3; i++) {
		days_ago(d, 180, date);
		record *r = record_new(REC_RESOURCE);
		if (!r)
			return store_txn_fail(t, STORE_NOMEM);
		int bad = record_set(r, "name", res[i].name) |
		          record_set(r, "category", res[i].category) |
		          record_set(r, "provider", res[i].provider) |
		          record_set(r, "quantity", res[i].quantity) | record_set(r, "unit", res[i].unit) |
		          record_set(r, "inside", res[i].inside) | record_set(r, "from", date) |
		          record_set(r, "village", d->vid) | record_set(r, "status", "available");
		if ((err = put(t, r, bad, d->res[i])))
			return err;
		d->counts.resources++;
	}
	/* a project */
	char start[11], end[11];
	days_ago(d, 100, start);
	days_ago(d, -265, end);
	snprintf(name, sizeof name, "留守儿童四点半课堂");
	record *r = record_new(REC_PROJECT);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	int bad = record_set(r, "name", name) | record_set(r, "service", "care") |
	          record_set(r, "village", d->vid) | record_set(r, "target", "村里的留守儿童和困境儿童") |
	          record_set(r, "needs", "放学后无人看管，作业无人辅导") |
	          record_set(r, "goals", "每周一至周五放学后有人照看，作业按时完成") |
	          record_set(r, "activities", "作业辅导、阅读、安全教育，志愿者轮流值守") |
	          record_set(r, "budget", "20000") | record_set(r, "funding", "县慈善会") |
	          record_set(r, "start", start) | record_set(r, "end", end) |
	          record_set(r, "status", "running");
	if ((err = put(t, r, bad, NULL)))
		return err;
	d->counts.projects++;
	return 0;
}

/* Services of each of the six functions in each of the last six months. */
static int
make_services(store_txn *t, struct demo *d)
{
	unsigned *s = &d->seed;
	static const char *const who[] = {
		"mental,empty_nest,left_behind,elder_alone", "dibao,tekun,disabled",
		"elder_alone,left_behind,empty_nest,child_difficulty", "adult",
		"child_difficulty,empty_nest,dibao", "adult",
	};
	for (int back = 5; back >= 0; back--) {
		for (size_t f = 0; f < NELEM(service_text); f++) {
			int many = 1 + (int)(next(s) % 2);
			for (int k = 0; k < many; k++) {
				char date[11], form[32], ben[REC_ID_TEXTMAX] = "", num[32], vols[128] = "",
				                                 res[64] = "", followup[11];
				day_in_month(d, back, date);
				snprintf(form, sizeof form, "service_%s", service_text[f].function);
				const struct person *p = someone(d, who[f], back == 0);
				if (p && f != 3)
					snprintf(ben, sizeof ben, "%s", p->id);
				record *r = record_new(REC_SERVICE);
				if (!r)
					return store_txn_fail(t, STORE_NOMEM);
				int bad = record_set(r, "_form", form) |
				          record_set(r, "function", service_text[f].function) |
				          record_set(r, "date", date) | record_set(r, "worker", d->worker) |
				          record_set(r, "village", d->vid) |
				          record_set(r, "work_kind", service_text[f].work_kind) |
				          record_set(r, "content", PICK(s, service_text[f].content)) |
				          record_set(r, "hours", next(s) % 2 ? "1.5" : "2") |
				          record_set(r, "outcome", "已完成，对象满意");
				if (ben[0])
					bad |= record_set(r, "beneficiaries", ben);
				if (p && p->need[0] && strcmp(service_text[f].function, "governance") != 0)
					bad |= record_set(r, "needs", p->need);
				/* volunteers in care and governance, with their hours */
				if (f == 2 || f == 3) {
					snprintf(vols, sizeof vols, "%s:2,%s:%s", d->vols[f - 2], d->vols[2],
					         k ? "1.5" : "3");
					bad |= record_set(r, "volunteers", vols);
				}
				/* resources used in assistance and resource linking */
				if (f == 1 || f == 4) {
					snprintf(res, sizeof res, "%s:%s", d->res[f == 1 ? 0 : 1 + k % 2],
					         f == 1 ? "2" : "1");
					bad |= record_set(r, "resources", res);
				}
				/* follow-ups: some due today, some a few days ago */
				if (back == 0 && k == 0 && f % 2 == 0) {
					days_ago(d, (int)(f / 2), followup);
					bad |= record_set(r, "followup", followup);
				}
				switch (f) {
				case 0:
					bad |= record_set(r, "method", PICK(s, assessment_methods)) |
					       record_set(r, "level", p && strstr(p->cats, "mental") ? "high" : "medium") |
					       record_set(r, "findings", "家庭照料能力弱，需要持续跟进") |
					       record_set(r, "plan", "每月入户一次，联系亲属分担照料");
					break;
				case 1:
					snprintf(num, sizeof num, "%u", 200 + next(s) % 8 * 100);
					bad |= record_set(r, "assistance_kind", PICK(s, assistance_kinds)) |
					       record_set(r, "help", "协助申请") | record_set(r, "applied", "yes") |
					       record_set(r, "amount", num);
					break;
				case 2:
					bad |= record_set(r, "target",
					                  p && strstr(p->cats, "left_behind")    ? "left_behind"
					                  : p && strstr(p->cats, "elder_alone")  ? "elder_alone"
					                  : p && strstr(p->cats, "empty_nest")   ? "empty_nest"
					                  : p && strstr(p->cats, "child_difficulty") ? "child_difficulty"
					                                                         : "other") |
					       record_set(r, "risk", "medium") |
					       record_set(r, "network", "邻居每天照看，女儿每周打电话");
					break;
				case 3:
					snprintf(num, sizeof num, "%u", 20 + next(s) % 40);
					bad |= record_set(r, "org", d->orgs[k % 2]) |
					       record_set(r, "activity", PICK(s, governance_acts)) |
					       record_set(r, "headcount", num);
					break;
				case 4:
					bad |= record_set(r, "from", k % 2 ? "镇卫生院" : "县慈善会") |
					       record_set(r, "to", "困难家庭") | record_set(r, "value", "500");
					break;
				default:
					snprintf(num, sizeof num, "%u", 3 + next(s) % 10);
					bad |= record_set(r, "product", PICK(s, products)) |
					       record_set(r, "channel", PICK(s, livelihood_channels)) |
					       record_set(r, "households", num) | record_set(r, "headcount", num);
					break;
				}
				int err = put(t, r, bad, NULL);
				if (err)
					return err;
				d->counts.services++;
			}
		}
	}
	return 0;
}

static int
fill_village(store_txn *t, struct demo *d, const record *village)
{
	d->vname = record_get(village, "name");
	d->vcode = record_get(village, "code") + 9;
	rec_id_format(&village->id, d->vid);
	d->worker = d->login;
	for (size_t i = 0; i < NELEM(workers); i++)
		if (strcmp(workers[i].unit, record_get(village, "code")) == 0) {
			d->worker = workers[i].login;
			break;
		}
	d->npeople = 0;
	int err = 0;
	for (int h = 0; h < 12 && !err; h++)
		err = make_household(t, d, h);
	/* the first elder living alone waits for this month's visit */
	d->unvisited = -1;
	for (int i = 0; i < d->npeople && d->unvisited < 0; i++)
		if (strstr(d->people[i].cats, "elder_alone"))
			d->unvisited = i;
	if (!err)
		err = make_partners(t, d);
	if (!err)
		err = make_services(t, d);
	return err;
}

static int
fill_txn(store_txn *t, void *ctx)
{
	struct demo *d = ctx;
	int err;
	/* a retry after the map grew must make the same data again */
	d->seed = d->seed0;
	memset(&d->counts, 0, sizeof d->counts);
	d->nfirst = 0;
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
		if (!d->nfirst) {
			memcpy(d->first, d->people, sizeof d->people);
			d->nfirst = d->npeople;
		}
	}
	return 0;
}

/* --- sample referrals ------------------------------------------------------ */

/* Referrals of 安宁村 to 攀莲镇, one in each state, each taken through its
 * steps by the worker whose step it is (saved under their login), on the
 * days given (days before today). */
struct step {
	enum ref_action a;   /* 0: the end */
	int ago;
	const char *note;
};
static const struct demo_referral {
	const char *cats;   /* whom it is about: one of these categories */
	const char *category, *urgency, *reason, *done, *contact;
	int created;        /* days ago; submitted at once unless the first step says draft */
	bool draft;
	const char *feedback;
	struct step steps[5];
} demo_referrals[] = {
	{"elder_alone", "elderly", "urgent",
	 "独居老人，近来行动不便，子女在外务工，需要乡镇社工站链接居家照护服务。",
	 "已入户走访两次，联系了在外的女儿；邻居每天帮忙送饭。", "女儿 13880000001", 7, false,
	 NULL, {{0}}},
	{"disabled", "disability", "soon",
	 "二级肢体残疾，轮椅已损坏，申请辅具适配和残疾人两项补贴复核。",
	 "已协助准备残疾证复印件和补贴申请表。", "本人 13880000002", 17, false, NULL,
	 {{REFA_ACCEPT, 15, NULL}, {0}}},
	{"tekun,dibao", "hardship", "normal",
	 "家庭收入低于特困标准，无劳动能力，需要乡镇审核特困供养。",
	 "已入户核实家庭收入和住房情况，收集了证明材料。", "村委会代转", 49, false,
	 "已纳入特困供养，次月起按月发放；请村社工室每月回访一次，有变化及时告诉社工站。",
	 {{REFA_ACCEPT, 48, NULL}, {REFA_RESOLVE, 36, NULL}, {0}}},
	{"left_behind", "child", "soon",
	 "留守儿童，父母在外务工，近期情绪低落、不愿上学，需要心理辅导。",
	 "已家访，与祖父母和班主任沟通。", "祖父 13881234567", 1, true, NULL, {{0}}},
	{"mental", "mental", "normal", "精神障碍患者，近期停药，家属难以照看，需要复诊和随访。",
	 "已联系家属，劝说按时服药。", "母亲 13880000005", 12, false, NULL,
	 {{REFA_RETURN, 10, "请补充监护人联系方式和近期病情证明。"}, {0}}},
	{"empty_nest", "elderly", "normal", "空巢老人，慢性病多年，需要链接家庭医生签约服务。",
	 "已陪同到镇卫生院检查一次。", "本人 13880000006", 30, false, NULL,
	 {{REFA_ACCEPT, 29, NULL}, {REFA_START, 27, "已联系镇卫生院家庭医生团队"}, {0}}},
	{"disabled,dibao", "disability", "normal", "残疾人家庭住房破旧，申请危房改造。",
	 "已拍照留存，协助填写申请表。", "本人 13880000007", 80, false,
	 "已纳入危房改造计划，房屋已修缮完成。",
	 {{REFA_ACCEPT, 79, NULL}, {REFA_START, 75, "已上报住建部门"}, {REFA_RESOLVE, 60, NULL},
	  {REFA_CLOSE, 55, "已回访，房屋修好，本人满意"}, {0}}},
	{"child_difficulty", "child", "normal", "困境儿童，家庭收入低，申请助学帮扶。",
	 "已核实家庭情况。", "母亲 13880000008", 20, false, NULL,
	 {{REFA_WITHDRAW, 19, "已由村里链接慈善助学金解决"}, {0}}},
	{"mental,empty_nest,elder_alone", "other", "soon",
	 "家庭医疗费用高，乡镇救助额度不够，需要县里统筹医疗救助。",
	 "已协助申请临时救助。", "本人 13880000009", 40, false, NULL,
	 {{REFA_ACCEPT, 39, NULL}, {REFA_ESCALATE, 35, "乡镇救助额度不够，上转县社工总站"}, {0}}},
};
#define NREF NELEM(demo_referrals)

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

/* Someone of 安宁村 with a need, of one of the categories in cats, not yet
 * referred; NULL when none. */
static struct person *
referred_one(struct demo *d, const char *cats)
{
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < d->nfirst; i++) {
			struct person *p = &d->first[i];
			if (p->used || !p->need[0])
				continue;
			char want[64];
			snprintf(want, sizeof want, "%s", cats);
			for (char *c = strtok(want, ","); c; c = strtok(NULL, ","))
				if (pass || strstr(p->cats, c)) {
					p->used = true;
					return p;
				}
		}
	return NULL;
}

/* The referrals' histories say the days their steps were taken. */
struct restamp {
	struct demo *d;
	rec_id ids[NREF], child;
	bool made[NREF], has_child;
};

static int
days_of(const struct demo_referral *dr, const char *action)
{
	if (strcmp(action, "create") == 0 || strcmp(action, "submit") == 0)
		return dr->created;
	for (const struct step *s = dr->steps; s->a; s++)
		if (strcmp(action, referral_action_name(s->a)) == 0)
			return s->ago;
	return 0;
}

static int
restamp_one(store_txn *t, struct demo *d, const rec_id *id, const struct demo_referral *dr,
            int only)
{
	record *r;
	int err = store_get(t, id, &r);
	if (err)
		return err;
	const char *h = record_get(r, "_history");
	size_t len = h ? strlen(h) : 0;
	char *out = malloc(len + 1);
	if (!out) {
		record_free(r);
		return store_txn_fail(t, STORE_NOMEM);
	}
	memcpy(out, h ? h : "", len + 1);
	int k = 0;
	for (char *line = out; *line; k++) {
		char *tab = strchr(line, '\t'), *end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if (tab && tab - line == 16 && tab < end) {
			char *act = strchr(tab + 1, '\t');
			char action[32] = "";
			if (act && act < end)
				snprintf(action, sizeof action, "%.*s", (int)strcspn(act + 1, "\t\n"), act + 1);
			char day[11], stamp[32];   /* 16 used: "YYYY-MM-DD HH:MM" */
			days_ago(d, only >= 0 ? only : days_of(dr, action), day);
			/* office hours, a few minutes between steps of one day */
			snprintf(stamp, sizeof stamp, "%s %02d:%02d", day, 9 + k % 8, (7 * k + 10) % 60);
			memcpy(line, stamp, 16);
		}
		line = *end ? end + 1 : end;
	}
	int bad = record_set(r, "_history", out);
	free(out);
	return put(t, r, bad, NULL);
}

static int
restamp_txn(store_txn *t, void *ctx)
{
	struct restamp *rs = ctx;
	for (size_t i = 0; i < NREF; i++) {
		int err = rs->made[i] ? restamp_one(t, rs->d, &rs->ids[i], &demo_referrals[i], -1) : 0;
		if (err)
			return err;
	}
	if (rs->has_child) {
		const struct demo_referral *dr = &demo_referrals[NREF - 1];
		return restamp_one(t, rs->d, &rs->child, dr, days_of(dr, "escalate"));
	}
	return 0;
}

static int
make_referrals(store *st, struct demo *d)
{
	struct scope *sc = NULL;
	struct restamp rs = {.d = d};
	int err = act_as(st, "anning", &sc);
	for (size_t i = 0; i < NREF && !err; i++) {
		const struct demo_referral *dr = &demo_referrals[i];
		struct person *p = referred_one(d, dr->cats);
		if (!p)
			continue;
		char day[11];
		days_ago(d, dr->created, day);
		const char *needs[1] = {p->need};
		struct refer_new in = {p->id, needs, 1, dr->category, dr->urgency, dr->reason,
		                       dr->done, dr->contact, true, NULL, day};
		if (!(err = refer_create(st, sc, &in, !dr->draft, &rs.ids[i], NULL, 0))) {
			d->counts.referrals++;
			rs.made[i] = true;
		}
	}
	/* the steps, each on its day, by whoever takes it */
	for (int n = 0; n < 5 && !err; n++) {
		for (size_t i = 0; i < NREF && !err; i++) {
			const struct demo_referral *dr = &demo_referrals[i];
			const struct step *s = &dr->steps[n];
			bool upto = true;
			for (int k = 0; k < n && upto; k++)
				upto = dr->steps[k].a != 0;
			if (!rs.made[i] || !upto || !s->a)
				continue;
			bool sender = s->a == REFA_CLOSE || s->a == REFA_WITHDRAW;
			if ((err = act_as(st, sender ? "anning" : "panlian", &sc)))
				break;
			char day[11];
			days_ago(d, s->ago, day);
			struct refer_act_in in = {s->note, REFO_SUCCESS, dr->feedback, 0, day};
			bool up = s->a == REFA_ESCALATE;
			err = refer_act(st, sc, &rs.ids[i], s->a, &in, up ? &rs.child : NULL, NULL, 0);
			if (!err && up) {
				rs.has_child = true;
				d->counts.referrals++;
			}
		}
	}
	scope_free(sc);
	if (!err)
		err = store_write(st, restamp_txn, &rs);
	return err;
}

int
demo_fill(store *st, const char *login, unsigned seed, struct demo_counts *counts)
{
	struct demo *d = calloc(1, sizeof *d);
	if (!d)
		return STORE_NOMEM;
	d->login = login;
	d->seed0 = seed;
	time_t now = time(NULL);
	localtime_r(&now, &d->today);
	strftime(d->today_s, sizeof d->today_s, "%Y-%m-%d", &d->today);
	const char *user = store_user(st);
	char *was = user ? strdup(user) : NULL;
	int err = store_write(st, fill_txn, d);
	if (!err)
		err = make_referrals(st, d);
	if (was)
		store_set_user(st, was);
	free(was);
	if (!err && counts)
		*counts = d->counts;
	free(d);
	return err;
}
