/* check-refer.c: referrals as records (refer.c) through a real LMDB
 * database, under the scopes of a village worker, a second village's
 * worker, the township station, the county station and a supervisor:
 * the whole round trip (create, submit, return, resubmit, accept, start,
 * resolve, close), withdrawing, escalating to the county and answering
 * back down, the linked need's status at each step, the history and the
 * audit entries, every refusal (scope, side, state, reason, consent,
 * version), due dates and the overdue list, the inbox's order, what is
 * new since the worker last looked, and the printed slip. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "refer.h"
#include "scope.h"
#include "testdb.h"
#include "text.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

enum who { ANNING, GUABANG, PANLIAN, XIAN, DUDAO, NWHO };
static const struct {
	const char *login, *name;
	int role;
	const char *unit;
} workers[NWHO] = {
	{"anning", "李红梅", ROLE_VILLAGE, "510421100001"},
	{"guabang", "张建国", ROLE_VILLAGE, "510421100002"},
	{"panlian", "杨社工", ROLE_TOWNSHIP, "510421100"},
	{"xian", "县站社工", ROLE_TOWNSHIP, "510421"},
	{"dudao", "周督导", ROLE_SUPERVISOR, "510421"},
};

#define IDNUM "51042119580312002X"

static struct db db;
static struct scope *sc[NWHO];
static char anning_unit[REC_ID_TEXTMAX], panlian_unit[REC_ID_TEXTMAX],
	county_unit[REC_ID_TEXTMAX];
static char resident[REC_ID_TEXTMAX], other_resident[REC_ID_TEXTMAX];
static char need1[REC_ID_TEXTMAX], need2[REC_ID_TEXTMAX];

static int
put_txn(store_txn *t, void *ctx)
{
	record *r = ctx;
	return store_put(t, r);
}

static void
put(record *r, char idtext[REC_ID_TEXTMAX])
{
	ck_assert_int_eq(store_write(db.st, put_txn, r), STORE_OK);
	rec_id_format(&r->id, idtext);
	record_free(r);
}

static int
units_txn(store_txn *t, void *ctx)
{
	(void)ctx;
	static const struct {
		const char *code, *name;
	} units[] = {
		{"510421", "米易县"}, {"510421100", "攀莲镇"}, {"510421100001", "安宁村"},
		{"510421100002", "挂榜村"},
	};
	rec_id id;
	for (size_t i = 0; i < NELEM(units); i++) {
		int err = orgunit_add(t, units[i].code, units[i].name, &id);
		if (err)
			return err;
		if (i == 0)
			rec_id_format(&id, county_unit);
		if (i == 1)
			rec_id_format(&id, panlian_unit);
		if (i == 2)
			rec_id_format(&id, anning_unit);
	}
	for (int i = 0; i < NWHO; i++) {
		int err = worker_add(t, workers[i].login, workers[i].name, workers[i].role,
		                     workers[i].unit, NULL);
		if (err)
			return err;
	}
	return 0;
}

static void
setup(void)
{
	db = testdb_new("refer");
	audit_attach(db.st);
	ck_assert_int_eq(store_write(db.st, units_txn, NULL), STORE_OK);
	record *r = record_new(REC_RESIDENT);
	record_set(r, "name", "王秀英");
	record_set(r, "sex", "f");
	record_set(r, "idnum", IDNUM);
	record_set(r, "village", anning_unit);
	put(r, resident);
	char guabang[REC_ID_TEXTMAX];
	ck_assert_int_eq(scope_load_now(db.st, "guabang", &sc[GUABANG]), STORE_OK);
	snprintf(guabang, sizeof guabang, "%s", sc[GUABANG]->unit);
	r = record_new(REC_RESIDENT);
	record_set(r, "name", "张三");
	record_set(r, "village", guabang);
	put(r, other_resident);
	const char *desc[] = {"独居，行动不便，需要上门照护", "申请特困供养"};
	char *ids[] = {need1, need2};
	for (int i = 0; i < 2; i++) {
		r = record_new(REC_NEED);
		record_set(r, "who", "resident");
		record_set(r, "resident", resident);
		record_set(r, "village", anning_unit);
		record_set(r, "date", "2026-02-20");
		record_set(r, "description", desc[i]);
		record_set(r, "status", "open");
		put(r, ids[i]);
	}
	for (int i = 0; i < NWHO; i++)
		if (!sc[i])
			ck_assert_int_eq(scope_load_now(db.st, workers[i].login, &sc[i]), STORE_OK);
}

static void
teardown(void)
{
	for (int i = 0; i < NWHO; i++) {
		scope_free(sc[i]);
		sc[i] = NULL;
	}
	testdb_free(&db);
}

/* Work as worker w from now on: their scope on the store, their login. */
static const struct scope *
as(enum who w)
{
	scope_attach(db.st, sc[w]);
	store_set_user(db.st, workers[w].login);
	return sc[w];
}

struct get_ctx {
	rec_id id;
	record *r;
};

static int
get_txn(store_txn *t, void *ctx)
{
	struct get_ctx *g = ctx;
	return store_get(t, &g->id, &g->r);
}

/* The record, read with no policy. */
static record *
fetch(const rec_id *id)
{
	scope_attach(db.st, NULL);
	struct get_ctx g = {*id, NULL};
	ck_assert_int_eq(store_read(db.st, get_txn, &g), STORE_OK);
	return g.r;
}

static record *
fetch_text(const char *idtext)
{
	rec_id id;
	ck_assert_int_eq(rec_id_parse(idtext, &id), 0);
	return fetch(&id);
}

static void
assert_field(const rec_id *id, const char *field, const char *want)
{
	record *r = fetch(id);
	const char *v = record_get(r, field);
	if (want)
		ck_assert_msg(v && strcmp(v, want) == 0, "%s is \"%s\", wanted \"%s\"", field,
		              v ? v : "(none)", want);
	else
		ck_assert_msg(!v, "%s is \"%s\", wanted none", field, v);
	record_free(r);
}

static void
assert_need(const char *need, const char *status)
{
	record *r = fetch_text(need);
	ck_assert_str_eq(record_get(r, "status"), status);
	record_free(r);
}

static const char *const both_needs[] = {need1, need2};

static struct refer_new
content(const char *urgency, bool consent, const char *today)
{
	struct refer_new in = {resident, both_needs, 2, "elderly", urgency,
	                       "独居老人，需要乡镇社工站链接居家照护资源", "已入户走访两次",
	                       "女儿 13800000000", consent, NULL, today};
	return in;
}

static int
act(enum who w, const rec_id *id, enum ref_action a, const char *note, const char *today)
{
	struct refer_act_in in = {note, 0, NULL, 0, today};
	char why[256] = "";
	int err = refer_act(db.st, as(w), id, a, &in, NULL, why, sizeof why);
	if (err)
		ck_assert_msg(*why, "no sentence for error %d", err);
	return err;
}

static int
resolve(enum who w, const rec_id *id, enum ref_outcome o, const char *note, const char *feedback)
{
	struct refer_act_in in = {note, o, feedback, 0, "2026-03-05"};
	char why[256] = "";
	int err = refer_act(db.st, as(w), id, REFA_RESOLVE, &in, NULL, why, sizeof why);
	if (err)
		ck_assert_msg(*why, "no sentence for error %d", err);
	return err;
}

/* --- audit ---------------------------------------------------------------- */

struct actions {
	char list[64][24];
	char who[64][64];
	size_t n;
};

static int
collect(const struct audit_entry *e, void *ctx)
{
	struct actions *a = ctx;
	ck_assert_uint_lt(a->n, 64);
	snprintf(a->list[a->n], sizeof a->list[0], "%s", e->action);
	snprintf(a->who[a->n], sizeof a->who[0], "%s", e->who);
	a->n++;
	return 0;
}

/* The audit entries of a record, as "action/who" joined by spaces. */
static char *
audit_of(const rec_id *id)
{
	char idtext[REC_ID_TEXTMAX];
	struct audit_filter f = {NULL, rec_id_format(id, idtext), NULL, NULL};
	struct actions a = {.n = 0};
	ck_assert_int_eq(audit_each(db.st, &f, collect, &a), STORE_OK);
	static char out[2048];
	out[0] = '\0';
	for (size_t i = 0; i < a.n; i++)
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s/%s", i ? " " : "",
		         a.list[i], a.who[i]);
	return out;
}

/* The history's actions (third column), joined by spaces. */
static char *
history_actions(const rec_id *id)
{
	record *r = fetch(id);
	static char out[1024];
	out[0] = '\0';
	const char *h = record_get(r, "_history");
	ck_assert_ptr_nonnull(h);
	char *copy = strdup(h), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4] = {line, NULL, NULL, NULL};
		for (int k = 1; k < 4; k++) {
			char *tab = f[k - 1] ? strchr(f[k - 1], '\t') : NULL;
			ck_assert_msg(tab != NULL, "history line without 4 columns: %s", line);
			*tab = '\0';
			f[k] = tab + 1;
		}
		ck_assert_uint_eq(strlen(f[0]), 16);   /* YYYY-MM-DD HH:MM */
		snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s/%s", *out ? " " : "",
		         f[2], f[1]);
	}
	free(copy);
	record_free(r);
	return out;
}

/* --- the round trip ----------------------------------------------------------- */

START_TEST(test_round_trip)
{
	rec_id id;
	char why[256];
	struct refer_new in = content("normal", false, "2026-03-01");

	/* no consent: submitting at once is refused, and nothing is saved */
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why),
	                 REF_ERR_CONSENT);
	ck_assert_ptr_nonnull(strstr(why, "consent"));
	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(db.st, as(ANNING), REFER_OUTBOX, "2026-03-01", &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	refer_rows_free(rows, n);
	assert_need(need1, "open");

	/* a draft without consent, then submitting it is refused */
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, false, &id, why, sizeof why), 0);
	ck_assert_int_eq(id.kind, REC_REFERRAL);
	assert_field(&id, "status", "draft");
	assert_field(&id, "village", anning_unit);
	assert_field(&id, "to_unit", panlian_unit);   /* the unit above */
	assert_field(&id, "consent", "no");
	assert_field(&id, "number", NULL);
	char both[2 * REC_ID_TEXTMAX];
	snprintf(both, sizeof both, "%s,%s", need1, need2);
	assert_field(&id, "needs", both);
	ck_assert_int_eq(act(ANNING, &id, REFA_SUBMIT, NULL, "2026-03-01"), REF_ERR_CONSENT);
	assert_field(&id, "status", "draft");

	/* the consent recorded (an edit while a draft), then submitted */
	in.consent = true;
	ck_assert_int_eq(refer_update(db.st, as(ANNING), &id, &in, 0, why, sizeof why), 0);
	ck_assert_int_eq(act(ANNING, &id, REFA_SUBMIT, NULL, "2026-03-01"), 0);
	assert_field(&id, "status", "submitted");
	assert_field(&id, "number", "ZJ-510421100001-2026-0001");
	assert_field(&id, "submitted", "2026-03-01");
	assert_field(&id, "due", "2026-03-16");   /* normal: 15 days */
	assert_need(need1, "referred");
	assert_need(need2, "referred");

	/* the village cannot accept its own; the township must give a reason to return */
	ck_assert_int_eq(act(ANNING, &id, REFA_ACCEPT, NULL, "2026-03-02"), REF_ERR_SIDE);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_RETURN, "  ", "2026-03-02"), REF_ERR_REASON);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_RETURN, "请补充家庭情况", "2026-03-02"), 0);
	assert_field(&id, "status", "returned");
	assert_field(&id, "return_reason", "请补充家庭情况");
	assert_need(need1, "open");

	/* the township may not change what the village wrote; the village may */
	in.done = "已入户走访两次，联系了女儿";
	ck_assert_int_eq(refer_update(db.st, as(PANLIAN), &id, &in, 0, why, sizeof why),
	                 REFER_ERR_NOSIDE);
	ck_assert_int_eq(refer_update(db.st, as(ANNING), &id, &in, 0, why, sizeof why), 0);
	assert_field(&id, "done", "已入户走访两次，联系了女儿");
	ck_assert_int_eq(act(ANNING, &id, REFA_SUBMIT, NULL, "2026-03-03"), 0);
	assert_field(&id, "number", "ZJ-510421100001-2026-0001");   /* kept */
	assert_field(&id, "submitted", "2026-03-03");
	assert_field(&id, "return_reason", NULL);
	assert_need(need1, "referred");
	/* not editable once submitted */
	ck_assert_int_eq(refer_update(db.st, as(ANNING), &id, &in, 0, why, sizeof why),
	                 REF_ERR_STATE);

	ck_assert_int_eq(act(PANLIAN, &id, REFA_ACCEPT, NULL, "2026-03-04"), 0);
	assert_field(&id, "status", "accepted");
	assert_field(&id, "accepted", "2026-03-04");
	ck_assert_int_eq(act(PANLIAN, &id, REFA_START, NULL, "2026-03-04"), 0);
	assert_field(&id, "status", "in_progress");
	assert_need(need1, "referred");

	/* resolving: an outcome, a reason unless successful, feedback */
	ck_assert_int_eq(resolve(PANLIAN, &id, 0, NULL, "x"), REF_ERR_OUTCOME);
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_REFUSED, NULL, "x"), REF_ERR_OUTCOME);
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_SUCCESS, NULL, NULL), REFER_ERR_INPUT);
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_SUCCESS, NULL, " "), REFER_ERR_INPUT);
	assert_field(&id, "status", "in_progress");
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_SUCCESS, NULL, "已链接居家养老服务，每周上门两次"),
	                 0);
	assert_field(&id, "status", "resolved");
	assert_field(&id, "outcome", "success");
	assert_field(&id, "resolved", "2026-03-05");
	assert_field(&id, "feedback", "已链接居家养老服务，每周上门两次");
	assert_need(need1, "met");
	assert_need(need2, "met");

	/* the township cannot close; the village closes after follow-up */
	ck_assert_int_eq(act(PANLIAN, &id, REFA_CLOSE, NULL, "2026-03-10"), REF_ERR_SIDE);
	ck_assert_int_eq(act(ANNING, &id, REFA_CLOSE, "回访满意", "2026-03-10"), 0);
	assert_field(&id, "status", "closed");
	assert_field(&id, "closed", "2026-03-10");
	ck_assert_int_eq(act(ANNING, &id, REFA_CLOSE, NULL, "2026-03-10"), REF_ERR_STATE);

	ck_assert_str_eq(history_actions(&id),
	                 "create/anning edit/anning submit/anning return/panlian edit/anning "
	                 "submit/anning accept/panlian start/panlian resolve/panlian close/anning");
	ck_assert_str_eq(audit_of(&id),
	                 "create/anning edit/anning edit/anning submit/anning edit/panlian "
	                 "return/panlian edit/anning edit/anning submit/anning edit/panlian "
	                 "accept/panlian edit/panlian start/panlian edit/panlian resolve/panlian "
	                 "edit/anning close/anning");

	/* the history as shown: names, translated action labels, notes */
	record *r = fetch(&id);
	size_t nh;
	char **h = refer_history(db.st, r, &nh);
	ck_assert_uint_eq(nh, 10);
	ck_assert_ptr_nonnull(strstr(h[3], "杨社工(panlian)"));
	ck_assert_ptr_nonnull(strstr(h[3], "Return"));
	ck_assert_ptr_nonnull(strstr(h[3], "请补充家庭情况"));
	ck_assert_ptr_nonnull(strstr(h[8], "success"));
	for (size_t i = 0; i < nh; i++)
		free(h[i]);
	free(h);
	record_free(r);
}
END_TEST

START_TEST(test_withdraw)
{
	rec_id id;
	char why[256];
	struct refer_new in = content("soon", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);
	assert_field(&id, "due", "2026-03-08");   /* soon: 7 days */
	assert_need(need1, "referred");
	ck_assert_int_eq(act(PANLIAN, &id, REFA_WITHDRAW, NULL, NULL), REF_ERR_SIDE);
	ck_assert_int_eq(act(ANNING, &id, REFA_WITHDRAW, "家属已自行解决", NULL), 0);
	assert_field(&id, "status", "withdrawn");
	assert_need(need1, "open");
	assert_need(need2, "open");
	ck_assert_int_eq(act(PANLIAN, &id, REFA_ACCEPT, NULL, NULL), REF_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(audit_of(&id), "withdraw/anning"));

	/* a second referral of the unit gets the next number */
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);
	assert_field(&id, "number", "ZJ-510421100001-2026-0002");
	in.today = "2027-01-02";
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);
	assert_field(&id, "number", "ZJ-510421100001-2027-0001");
}
END_TEST

START_TEST(test_escalate)
{
	rec_id id, child;
	char why[256];
	struct refer_new in = content("urgent", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);
	assert_field(&id, "due", "2026-03-04");   /* urgent: 3 days */
	/* not before it is accepted */
	struct refer_act_in up = {"需县级精神卫生资源", 0, NULL, 0, "2026-03-02"};
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &id, REFA_ESCALATE, &up, &child, why,
	                           sizeof why), REF_ERR_STATE);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_ACCEPT, NULL, "2026-03-02"), 0);
	struct refer_act_in blank = {"", 0, NULL, 0, "2026-03-02"};
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &id, REFA_ESCALATE, &blank, &child, why,
	                           sizeof why), REF_ERR_REASON);
	memset(&child, 0, sizeof child);
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &id, REFA_ESCALATE, &up, &child, why,
	                           sizeof why), 0);
	ck_assert_int_eq(child.kind, REC_REFERRAL);
	assert_field(&id, "status", "escalated");
	assert_need(need1, "referred");

	char idtext[REC_ID_TEXTMAX];
	rec_id_format(&id, idtext);
	assert_field(&child, "status", "submitted");
	assert_field(&child, "parent", idtext);
	assert_field(&child, "village", panlian_unit);
	assert_field(&child, "to_unit", county_unit);
	assert_field(&child, "resident", resident);
	assert_field(&child, "category", "elderly");
	assert_field(&child, "urgency", "urgent");
	assert_field(&child, "reason", "需县级精神卫生资源");
	assert_field(&child, "number", "ZJ-510421100-2026-0001");
	assert_field(&child, "submitted", "2026-03-02");
	assert_field(&child, "due", "2026-03-05");
	ck_assert_str_eq(history_actions(&child), "create/panlian submit/panlian");
	ck_assert_ptr_nonnull(strstr(audit_of(&child), "submit/panlian"));

	/* the county station sees it in its inbox, not the village's */
	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(db.st, as(XIAN), REFER_INBOX, "2026-03-02", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(rec_id_equal(&rows[0].r->id, &child));
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(PANLIAN), REFER_OUTBOX, "2026-03-02", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert(rec_id_equal(&rows[0].r->id, &child));
	refer_rows_free(rows, n);
	/* the county is on neither side of the village's own referral */
	ck_assert_int_eq(act(XIAN, &id, REFA_RESOLVE, NULL, "2026-03-03"), REFER_ERR_NOSIDE);

	/* the county answers; then the township answers the village */
	ck_assert_int_eq(act(XIAN, &child, REFA_ACCEPT, NULL, "2026-03-03"), 0);
	ck_assert_int_eq(resolve(XIAN, &child, REFO_SUCCESS, NULL, "县精神卫生中心已接收随访"), 0);
	assert_need(need1, "met");
	ck_assert_int_eq(act(PANLIAN, &child, REFA_CLOSE, NULL, "2026-03-06"), 0);
	assert_field(&child, "status", "closed");
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_SUCCESS, NULL, "县里已接收，定期随访"), 0);
	assert_field(&id, "status", "resolved");
	ck_assert_int_eq(act(ANNING, &id, REFA_CLOSE, NULL, "2026-03-08"), 0);
	const char *h = history_actions(&id);
	ck_assert_ptr_nonnull(strstr(h, "accept/panlian escalate/panlian resolve/panlian close/anning"));
	ck_assert_ptr_nonnull(strstr(audit_of(&id), "escalate/panlian"));

	/* the county has nothing above it */
	struct refer_new again = content("normal", true, "2026-03-09");
	rec_id second, grand;
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &again, true, &second, why, sizeof why), 0);
	ck_assert_int_eq(act(PANLIAN, &second, REFA_ACCEPT, NULL, "2026-03-09"), 0);
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &second, REFA_ESCALATE, &up, &child, why,
	                           sizeof why), 0);
	ck_assert_int_eq(act(XIAN, &child, REFA_ACCEPT, NULL, "2026-03-09"), 0);
	ck_assert_int_eq(refer_act(db.st, as(XIAN), &child, REFA_ESCALATE, &up, &grand, why,
	                           sizeof why), REFER_ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(why, "above"));
	assert_field(&child, "status", "accepted");
}
END_TEST

START_TEST(test_refusals)
{
	rec_id id, other;
	char why[256];
	struct refer_new in = content("normal", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);

	/* another village's worker neither sees nor acts */
	ck_assert_int_eq(act(GUABANG, &id, REFA_WITHDRAW, NULL, NULL), STORE_DENIED);
	ck_assert_int_eq(act(GUABANG, &id, REFA_ACCEPT, NULL, NULL), STORE_DENIED);
	struct refer_row *rows;
	size_t n;
	for (int box = REFER_INBOX; box <= REFER_ALL; box++) {
		ck_assert_int_eq(refer_list(db.st, as(GUABANG), box, "2026-06-01", &rows, &n), 0);
		ck_assert_uint_eq(n, 0);
		refer_rows_free(rows, n);
	}
	/* nor refers a resident of another village */
	ck_assert_int_eq(refer_create(db.st, as(GUABANG), &in, true, &other, why, sizeof why),
	                 STORE_DENIED);
	ck_assert_ptr_nonnull(strstr(why, "resident"));
	/* nor a need of another resident, nor to its own unit */
	struct refer_new mixed = content("normal", true, "2026-03-01");
	mixed.resident = other_resident;
	mixed.nneeds = 0;
	mixed.to = sc[GUABANG]->unit;
	ck_assert_int_eq(refer_create(db.st, as(GUABANG), &mixed, false, &other, why, sizeof why),
	                 REFER_ERR_INPUT);
	mixed.to = NULL;
	ck_assert_int_eq(refer_create(db.st, as(GUABANG), &mixed, false, &other, why, sizeof why), 0);
	struct refer_new wrong = content("normal", true, "2026-03-01");
	wrong.reason = " ";
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &wrong, false, &other, why, sizeof why),
	                 REFER_ERR_INPUT);
	wrong = content("normal", true, "2026-03-01");
	wrong.resident = need1;
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &wrong, false, &other, why, sizeof why),
	                 REFER_ERR_INPUT);

	/* the supervisor reads, and never acts */
	ck_assert_int_eq(act(DUDAO, &id, REFA_ACCEPT, NULL, NULL), REFER_ERR_NOSIDE);
	ck_assert_int_eq(refer_create(db.st, as(DUDAO), &in, true, &other, why, sizeof why),
	                 REFER_ERR_NOSIDE);
	ck_assert_int_eq(refer_list(db.st, as(DUDAO), REFER_ALL, "2026-03-01", &rows, &n), 0);
	ck_assert_uint_eq(n, 1);   /* the submitted one; guabang's draft is not sent */
	enum ref_action acts[8];
	ck_assert_int_eq(refer_actions(sc[DUDAO], rows[0].r, acts, 8), 0);
	ck_assert_int_eq(refer_actions(sc[PANLIAN], rows[0].r, acts, 8), 2);
	ck_assert_int_eq(acts[0], REFA_ACCEPT);
	ck_assert_int_eq(acts[1], REFA_RETURN);
	ck_assert_int_eq(refer_actions(sc[ANNING], rows[0].r, acts, 8), 1);
	ck_assert_int_eq(acts[0], REFA_WITHDRAW);
	refer_rows_free(rows, n);

	/* the village cannot accept; the township cannot withdraw or close */
	ck_assert_int_eq(act(ANNING, &id, REFA_ACCEPT, NULL, NULL), REF_ERR_SIDE);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_WITHDRAW, NULL, NULL), REF_ERR_SIDE);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_START, NULL, NULL), REF_ERR_STATE);

	/* a step on a version someone has changed since */
	record *r = fetch(&id);
	uint32_t seen = r->version;
	record_free(r);
	ck_assert_int_eq(act(PANLIAN, &id, REFA_ACCEPT, NULL, NULL), 0);
	struct refer_act_in stale = {NULL, 0, NULL, seen, NULL};
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &id, REFA_START, &stale, NULL, why, sizeof why),
	                 STORE_CONFLICT);
	stale.version = seen + 1;
	ck_assert_int_eq(refer_act(db.st, as(PANLIAN), &id, REFA_START, &stale, NULL, why, sizeof why),
	                 0);
	/* nothing was written by the refusals */
	ck_assert_str_eq(history_actions(&id), "create/anning submit/anning accept/panlian "
	                                       "start/panlian");
	rec_id none = {REC_REFERRAL, id.site, 9999};
	ck_assert_int_eq(act(ANNING, &none, REFA_SUBMIT, NULL, NULL), STORE_NOTFOUND);
}
END_TEST

/* --- lists ------------------------------------------------------------------- */

START_TEST(test_inbox_and_overdue)
{
	static const struct {
		const char *urgency, *date;
	} made[] = {
		{"normal", "2026-03-01"}, {"urgent", "2026-03-05"}, {"soon", "2026-03-02"},
		{"urgent", "2026-03-03"}, {"normal", "2026-02-20"},
	};
	rec_id ids[NELEM(made)];
	char why[256];
	for (size_t i = 0; i < NELEM(made); i++) {
		struct refer_new in = content(made[i].urgency, true, made[i].date);
		ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &ids[i], why, sizeof why), 0);
	}
	/* a draft is not in the inbox; a resolved one comes after the open ones */
	rec_id draft;
	struct refer_new in = content("urgent", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, false, &draft, why, sizeof why), 0);
	ck_assert_int_eq(act(PANLIAN, &ids[3], REFA_ACCEPT, NULL, "2026-03-04"), 0);
	ck_assert_int_eq(resolve(PANLIAN, &ids[3], REFO_SUCCESS, NULL, "好"), 0);

	struct refer_row *rows;
	size_t n;
	ck_assert_int_eq(refer_list(db.st, as(PANLIAN), REFER_INBOX, "2026-03-10", &rows, &n), 0);
	ck_assert_uint_eq(n, 5);
	/* urgent (03-05), soon (03-02), normal (02-20), normal (03-01), then the resolved */
	static const size_t want[] = {1, 2, 4, 0, 3};
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(rec_id_equal(&rows[i].r->id, &ids[want[i]]), "row %zu is not referral %zu",
		              i, want[i]);
	ck_assert_int_eq(rows[2].age_days, 18);
	ck_assert_int_eq(rows[0].age_days, 5);
	/* due: urgent 03-08, soon 03-09, normal 03-07 / 03-16 */
	ck_assert(rows[0].overdue == true);
	ck_assert(rows[1].overdue == true);
	ck_assert(rows[2].overdue == true);
	ck_assert(rows[3].overdue == false);
	ck_assert(rows[4].overdue == false);
	refer_rows_free(rows, n);

	/* the village's outbox holds them all, the draft too, newest first */
	ck_assert_int_eq(refer_list(db.st, as(ANNING), REFER_OUTBOX, "2026-03-10", &rows, &n), 0);
	ck_assert_uint_eq(n, 6);
	ck_assert(rec_id_equal(&rows[0].r->id, &draft));
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(ANNING), REFER_INBOX, "2026-03-10", &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	refer_rows_free(rows, n);

	/* the supervisor's overdue list: the longest overdue first */
	ck_assert_int_eq(refer_list(db.st, as(DUDAO), REFER_OVERDUE, "2026-03-10", &rows, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(rec_id_equal(&rows[0].r->id, &ids[4]));   /* due 03-07 */
	ck_assert(rec_id_equal(&rows[1].r->id, &ids[1]));   /* due 03-08 */
	ck_assert(rec_id_equal(&rows[2].r->id, &ids[2]));   /* due 03-09 */
	for (size_t i = 0; i < n; i++)
		ck_assert(rows[i].overdue);
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(DUDAO), REFER_OVERDUE, "2026-03-07", &rows, &n), 0);
	ck_assert_uint_eq(n, 0);
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(DUDAO), REFER_OVERDUE, "2026-12-31", &rows, &n), 0);
	ck_assert_uint_eq(n, 4);   /* all but the resolved */
	refer_rows_free(rows, n);
	ck_assert_int_eq(refer_list(db.st, as(DUDAO), REFER_OVERDUE, "2026-3-10", &rows, &n),
	                 STORE_INVALID);
}
END_TEST

/* --- news ---------------------------------------------------------------- */

START_TEST(test_news)
{
	rec_id a, b;
	char why[256];
	struct refer_new in = content("normal", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &a, why, sizeof why), 0);
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &b, why, sizeof why), 0);

	struct refer_news nw;
	ck_assert_int_eq(refer_news(db.st, as(PANLIAN), false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 2);
	ck_assert_uint_eq(nw.returned + nw.feedback, 0);
	ck_assert_uint_eq(nw.n, 2);
	refer_news_free(&nw);
	/* looking without marking changes nothing; marking clears */
	ck_assert_int_eq(refer_news(db.st, as(PANLIAN), true, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 2);
	refer_news_free(&nw);
	ck_assert_int_eq(refer_news(db.st, as(PANLIAN), false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 0);
	ck_assert_uint_eq(nw.n, 0);
	refer_news_free(&nw);
	ck_assert_int_eq(refer_news(db.st, as(ANNING), true, &nw), 0);
	ck_assert_uint_eq(nw.incoming + nw.returned + nw.feedback, 0);
	refer_news_free(&nw);

	/* a step taken right after the worker looked (most likely in the same
	 * whole second as the mark) is news all the same */
	ck_assert_int_eq(act(PANLIAN, &a, REFA_RETURN, "缺少身份证复印件", NULL), 0);
	ck_assert_int_eq(act(PANLIAN, &b, REFA_ACCEPT, NULL, NULL), 0);
	ck_assert_int_eq(resolve(PANLIAN, &b, REFO_SUCCESS, NULL, "已办"), 0);
	ck_assert_int_eq(refer_news(db.st, as(ANNING), false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 0);
	ck_assert_uint_eq(nw.returned, 1);
	ck_assert_uint_eq(nw.feedback, 1);
	ck_assert_uint_eq(nw.n, 2);
	refer_news_free(&nw);
	/* the other village hears nothing */
	ck_assert_int_eq(refer_news(db.st, as(GUABANG), false, &nw), 0);
	ck_assert_uint_eq(nw.n + nw.incoming + nw.returned + nw.feedback, 0);
	refer_news_free(&nw);

	ck_assert_int_eq(act(ANNING, &a, REFA_SUBMIT, NULL, NULL), 0);
	ck_assert_int_eq(refer_news(db.st, as(PANLIAN), false, &nw), 0);
	ck_assert_uint_eq(nw.incoming, 1);
	ck_assert(rec_id_equal(&nw.rows[0].r->id, &a));
	refer_news_free(&nw);
}
END_TEST

/* --- the slip ------------------------------------------------------------------ */

START_TEST(test_slip)
{
	rec_id id;
	char why[256];
	struct refer_new in = content("urgent", true, "2026-03-01");
	ck_assert_int_eq(refer_create(db.st, as(ANNING), &in, true, &id, why, sizeof why), 0);
	record *r = fetch(&id);
	as(ANNING);
	char *slip = refer_slip(db.st, r);
	ck_assert_ptr_nonnull(slip);
	ck_assert_ptr_nonnull(strstr(slip, "Referral slip"));
	ck_assert_ptr_nonnull(strstr(slip, "ZJ-510421100001-2026-0001"));
	ck_assert_ptr_nonnull(strstr(slip, "安宁村"));
	ck_assert_ptr_nonnull(strstr(slip, "攀莲镇"));
	ck_assert_ptr_nonnull(strstr(slip, "王秀英"));
	ck_assert_ptr_nonnull(strstr(slip, "Female, 68"));
	ck_assert_ptr_nonnull(strstr(slip, "510421********002X"));
	ck_assert_ptr_null(strstr(slip, IDNUM));
	ck_assert_ptr_nonnull(strstr(slip, "独居，行动不便"));
	ck_assert_ptr_nonnull(strstr(slip, "Elderly"));
	ck_assert_ptr_nonnull(strstr(slip, "Urgent"));
	ck_assert_ptr_nonnull(strstr(slip, "2026-03-04"));
	ck_assert_ptr_nonnull(strstr(slip, "已入户走访两次"));
	ck_assert_ptr_nonnull(strstr(slip, "Recorded"));
	ck_assert_ptr_nonnull(strstr(slip, "李红梅"));   /* who submitted it */
	const char *stub = strstr(slip, "Stub");
	ck_assert_ptr_nonnull(stub);
	const char *back = strstr(stub, "Return slip");
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_nonnull(strstr(stub, "ZJ-510421100001-2026-0001"));
	ck_assert_ptr_nonnull(strstr(back, "ZJ-510421100001-2026-0001"));
	ck_assert_ptr_nonnull(strstr(back, "Decision"));
	ck_assert_ptr_nonnull(strstr(back, "Feedback"));
	/* two cut lines, between the slip and the stub and the return slip */
	int cuts = 0;
	for (const char *p = slip; (p = strstr(p, "cut here")); p++)
		cuts++;
	ck_assert_int_eq(cuts, 2);
	ck_assert(strstr(slip, "cut here") < stub);
	/* every line fits 80 columns */
	for (const char *line = slip; *line;) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		ck_assert_msg(text_width(line, len) <= 80, "too wide: %.*s", (int)len, line);
		line += len + (end != NULL);
	}
	free(slip);
	record_free(r);

	/* once answered, the return slip carries the answer */
	ck_assert_int_eq(act(PANLIAN, &id, REFA_ACCEPT, NULL, "2026-03-02"), 0);
	ck_assert_int_eq(resolve(PANLIAN, &id, REFO_SUCCESS, NULL, "已链接居家养老服务"), 0);
	r = fetch(&id);
	as(PANLIAN);
	slip = refer_slip(db.st, r);
	back = strstr(slip, "Return slip");
	ck_assert_ptr_nonnull(back);
	ck_assert_ptr_nonnull(strstr(back, "[x] Accepted"));
	ck_assert_ptr_nonnull(strstr(back, "Successful"));
	ck_assert_ptr_nonnull(strstr(back, "已链接居家养老服务"));
	free(slip);
	record_free(r);
}
END_TEST

static Suite *
refer_suite(void)
{
	Suite *s = suite_create("refer");
	TCase *tc = tcase_create("refer");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_withdraw);
	tcase_add_test(tc, test_escalate);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_inbox_and_overdue);
	tcase_add_test(tc, test_news);
	tcase_add_test(tc, test_slip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(refer_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
