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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "orgunit.h"
#include "refer.h"
#include "refer-internal.h"
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
	/* the worker by name, never by login (issue 17) */
	ck_assert_msg(strstr(h[3], "  杨社工  ") != NULL, "%s", h[3]);
	for (size_t i = 0; i < nh; i++)
		ck_assert_msg(!strstr(h[i], "panlian") && !strstr(h[i], "anning"), "%s", h[i]);
	ck_assert_ptr_nonnull(strstr(h[3], "Return"));
	ck_assert_ptr_nonnull(strstr(h[3], "请补充家庭情况"));
	/* the outcome by its label, never its code */
	ck_assert_ptr_nonnull(strstr(h[8], "Successful"));
	ck_assert_ptr_null(strstr(h[8], "success"));
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

/* --- the merge of two copies' histories against the one it replaced -------------- */

/* refer_merge as it was before it was made n log n (the join scanned the
 * merged lines for each line of the other copy: quadratic), kept as the
 * reference the new one must equal on every input, with old_ops
 * counting its comparisons and the lines it moved as refer_merge_ops
 * counts. */
static size_t old_ops;

/* The lines of a _history field; *n receives their number.  The array
 * points into a copy kept in *buf. */
static char **
old_split_lines(const char *h, char **buf, size_t *n)
{
	*n = 0;
	*buf = strdup(h ? h : "");
	if (!*buf)
		return NULL;
	size_t cap = 1;
	for (const char *p = *buf; *p; p++)
		cap += *p == '\n';
	char **v = calloc(cap, sizeof *v);
	if (!v) {
		free(*buf);
		*buf = NULL;
		return NULL;
	}
	char *save = NULL;
	for (char *l = strtok_r(*buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		v[(*n)++] = l;
	return v;
}

static int
old_cmp_line(const void *x, const void *y)
{
	old_ops++;
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The lines v sorted (a new array pointing to the same strings), for
 * old_has_line: a lookup is log n, so a merge of long histories is not
 * cubic. */
static char **
old_sorted_lines(char *const *v, size_t n)
{
	char **s = malloc((n ? n : 1) * sizeof *s);
	if (s) {
		memcpy(s, v, n * sizeof *s);
		qsort(s, n, sizeof *s, old_cmp_line);
	}
	return s;
}

/* Whether l is among the sorted lines v. */
static bool
old_has_line(char *const *v, size_t n, const char *l)
{
	return n && bsearch(&l, v, n, sizeof *v, old_cmp_line) != NULL;
}

/* The action word of a history line (the third column), into out. */
static void
old_line_action(const char *l, char *out, size_t size)
{
	*out = '\0';
	const char *a = strchr(l, '\t');
	a = a ? strchr(a + 1, '\t') : NULL;
	if (!a)
		return;
	a++;
	size_t k = strcspn(a, "\t");
	snprintf(out, size, "%.*s", (int)(k < size ? k : size - 1), a);
}

static const char *
old_line_note(const char *l)
{
	const char *p = l;
	for (int i = 0; i < 3 && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	return p ? p : "";
}

/* Which side takes an action named by a history line: sender 1,
 * receiver 2, none 0 (create and edit are the sender's too). */
static int
old_line_side(const char *l)
{
	char a[24];
	old_line_action(l, a, sizeof a);
	if (strcmp(a, "create") == 0 || strcmp(a, "edit") == 0)
		return REF_SENDER;
	switch (referral_action_from_name(a)) {
	case REFA_SUBMIT:
	case REFA_CLOSE:
	case REFA_WITHDRAW:
		return REF_SENDER;
	case REFA_ACCEPT:
	case REFA_RETURN:
	case REFA_START:
	case REFA_RESOLVE:
	case REFA_ESCALATE:
		return REF_RECEIVER;
	default:
		return 0;
	}
}

static bool
old_field_is(const char *name, const char *const *set)
{
	for (; *set; set++)
		if (strcmp(name, *set) == 0)
			return true;
	return false;
}

static int
old_merge(const record *owner, const record *other, struct refer_merge *m)
{
	static const char *const receiver_fields[] = {
		"accepted", "return_reason", "resolved", "outcome", "outcome_reason", "feedback", NULL,
	};
	memset(m, 0, sizeof *m);
	char *ba = NULL, *bb = NULL;
	size_t na, nb;
	char **a = old_split_lines(record_get(owner, "_history"), &ba, &na);
	char **b = old_split_lines(record_get(other, "_history"), &bb, &nb);
	char **out = a && b ? calloc(na + nb + 1, sizeof *out) : NULL;
	char **sa = a ? old_sorted_lines(a, na) : NULL, **sb = b ? old_sorted_lines(b, nb) : NULL;
	int err = out && sa && sb ? 0 : -1;
	size_t n = 0;
	/* the owner's lines in their order; each line only the other copy
	 * has goes after the line before it there and after every owner line
	 * stamped no later than it (the stamp is the first 16 bytes) */
	bool new_a = false, new_b = false;
	const char *last_a[3] = {NULL, NULL, NULL}, *last_b[3] = {NULL, NULL, NULL};
	if (!err) {
		for (size_t i = 0; i < na; i++) {
			out[n++] = a[i];
			if (!old_has_line(sb, nb, a[i]))
				new_a = true;
		}
		size_t prev = 0;   /* where the previous line of b is in out, + 1 */
		for (size_t j = 0; j < nb; j++) {
			size_t at = n;
			for (size_t k = 0; k < n; k++)
				if (old_ops++, strcmp(out[k], b[j]) == 0)
					at = k;
			if (at < n) {
				prev = at + 1;
				continue;
			}
			new_b = true;
			size_t pos = prev;
			for (size_t k = pos; k < n; k++)
				if (old_has_line(sa, na, out[k]) && (old_ops++, strncmp(out[k], b[j], 16) <= 0))
					pos = k + 1;
			old_ops += n - pos;
			memmove(out + pos + 1, out + pos, (n - pos) * sizeof *out);
			out[pos] = b[j];
			n++;
			prev = pos + 1;
		}
	}
	m->changed_owner = new_b;
	m->changed_other = new_a;
	/* replay the merged steps through the state machine; the last step
	 * applied of each side that only one copy has says which copy holds
	 * that side's fields */
	enum ref_state st = REF_DRAFT;
	enum ref_outcome oc = 0;
	for (size_t i = 0; i < n && !err; i++) {
		char an[24];
		old_line_action(out[i], an, sizeof an);
		enum ref_action act = referral_action_from_name(an);
		bool only_a = !old_has_line(sb, nb, out[i]), only_b = !old_has_line(sa, na, out[i]);
		if (!act) {
			if (only_a)
				last_a[old_line_side(out[i])] = out[i];
			if (only_b)
				last_b[old_line_side(out[i])] = out[i];
			continue;
		}
		struct ref_input ri = {"-", REFO_SUCCESS, true};
		enum ref_outcome o = 0;
		if (act == REFA_RESOLVE) {
			const char *note = old_line_note(out[i]);
			char on[24];
			size_t k = strcspn(note, ":");
			snprintf(on, sizeof on, "%.*s", (int)(k < sizeof on ? k : sizeof on - 1), note);
			o = referral_outcome_from_name(on);
			ri.outcome = o ? o : REFO_OTHER;
		}
		enum ref_state to;
		if (referral_check(st, act, (enum ref_side)old_line_side(out[i]), &ri, &to) == REF_OK) {
			st = to;
			if (act == REFA_RESOLVE)
				oc = ri.outcome;
			if (only_a)
				last_a[old_line_side(out[i])] = out[i];
			if (only_b)
				last_b[old_line_side(out[i])] = out[i];
		} else {
			char **nr = realloc(m->refused, (m->nrefused + 1) * sizeof *nr);
			char *c = strdup(out[i]);
			if (!nr || !c) {
				free(c);
				if (nr)
					m->refused = nr;
				err = -1;
				break;
			}
			m->refused = nr;
			m->refused[m->nrefused++] = c;
		}
	}
	m->state = st;
	m->outcome = oc;
	/* the fields: the sender's from the copy with the later sender step
	 * applied that the other has not, the receiver's likewise (a copy
	 * whose new steps were all refused gives none of its fields), the
	 * rest the owner's */
	const record *snd = owner, *rcv = owner;
	if (last_b[REF_SENDER] && (!last_a[REF_SENDER] ||
	                           strncmp(last_b[REF_SENDER], last_a[REF_SENDER], 16) > 0))
		snd = other;
	if (last_b[REF_RECEIVER] && (!last_a[REF_RECEIVER] ||
	                             strncmp(last_b[REF_RECEIVER], last_a[REF_RECEIVER], 16) >= 0))
		rcv = other;
	record *r = err ? NULL : record_dup(owner);
	if (!r)
		err = -1;
	for (size_t i = 0; !err && i < other->nfields; i++) {
		const rec_field *f = &other->fields[i];
		bool recv = old_field_is(f->name, receiver_fields);
		if (!record_get(r, f->name) && !recv)
			err = record_set(r, f->name, f->value);
	}
	const record *srcs[2] = {snd, rcv};
	for (int w = 0; w < 2 && !err; w++) {
		const record *src = srcs[w];
		if (src == owner && w == 0)
			continue;
		for (size_t i = 0; i < src->nfields && !err; i++) {
			const rec_field *f = &src->fields[i];
			if (f->name[0] == '_' || strcmp(f->name, "status") == 0)
				continue;
			if (old_field_is(f->name, receiver_fields) == (w == 1))
				err = record_set(r, f->name, f->value);
		}
		/* a receiver's field the chosen copy does not have is empty */
		if (w == 1)
			for (const char *const *fn = receiver_fields; *fn && !err; fn++)
				if (!record_get(src, *fn))
					err = record_set(r, *fn, NULL);
	}
	char *hist = NULL;
	size_t hl = 1;
	for (size_t i = 0; i < n; i++)
		hl += strlen(out[i]) + 1;
	if (!err && !(hist = malloc(hl)))
		err = -1;
	if (!err) {
		char *p = hist;
		for (size_t i = 0; i < n; i++)
			p += sprintf(p, "%s%s", i ? "\n" : "", out[i]);
		*p = '\0';
		err = record_set(r, "_history", n ? hist : NULL) ||
		      record_set(r, "status", referral_state_name(st));
	}
	free(hist);
	free(out);
	free(a);
	free(b);
	free(sa);
	free(sb);
	free(ba);
	free(bb);
	if (err) {
		record_free(r);
		refer_merge_free(m);
		return STORE_NOMEM;
	}
	m->merged = r;
	return 0;
}

/* A small pseudo-random generator of our own, so the cases are the same
 * on every libc. */
static uint64_t
rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

static size_t
below(uint64_t *s, size_t n)
{
	return n ? (size_t)(rnd(s) % n) : 0;
}

/* A history line from small pools, so that equal stamps, equal lines
 * and lines of every side meet often; now and then a line shorter than
 * its stamp, one with no action, an empty one. */
static char *
random_line(uint64_t *s)
{
	static const char *const logins[] = {"anning", "panlian", "guabang", "admin"};
	static const char *const actions[] = {
		"create", "edit", "submit", "accept", "return", "start", "resolve",
		"close", "withdraw", "escalate", "bogus", "",
	};
	static const char *const notes[] = {"", "补充材料", "success: 已解决", "refused",
	                                    "other: 另有安排", "no_capacity", "x"};
	char *l = NULL;
	switch (below(s, 40)) {
	case 0:
		return strdup("2026-11-2");
	case 1:
		return strdup("x");
	case 2:
		return strdup("2026-11-21 09:00");
	case 3:
		return strdup("2026-11-21 09:00\tanning");
	default:
		break;
	}
	int r = asprintf(&l, "2026-11-2%zu %02zu:%02zu\t%s\t%s\t%s", below(s, 3), 8 + below(s, 3),
	                 below(s, 3) * 10, logins[below(s, NELEM(logins))],
	                 actions[below(s, NELEM(actions))], notes[below(s, NELEM(notes))]);
	ck_assert_int_gt(r, 0);
	return l;
}

/* n lines drawn from pool (np lines) joined as a _history. */
static char *
history_of(uint64_t *s, char **pool, size_t np, size_t n, bool blank)
{
	size_t len = 1;
	char **pick = calloc(n + 1, sizeof *pick);
	for (size_t i = 0; i < n; i++) {
		pick[i] = pool[below(s, np)];
		len += strlen(pick[i]) + 2;
	}
	char *h = malloc(len), *p = h;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s%s", i ? "\n" : "", blank && below(s, 8) == 0 ? "\n" : "", pick[i]);
	free(pick);
	return h;
}

/* The other copy as an exchange makes it: the owner's lines mostly in
 * their order with some left out, swapped or doubled, and lines of its
 * own put in anywhere. */
static char *
history_beside(uint64_t *s, const char *owner, char **pool, size_t np)
{
	char *copy = strdup(owner), *save = NULL;
	char **v = calloc(strlen(owner) + 64, sizeof *v);
	size_t n = 0;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t dice = below(s, 10);
		if (dice == 0)
			continue;                   /* left out */
		if (dice == 1)
			v[n++] = l;                 /* doubled */
		v[n++] = l;
		if (below(s, 4) == 0)
			v[n++] = pool[below(s, np)];   /* one of its own, or a shared one */
	}
	for (size_t k = below(s, 4); k > 0 && n > 1; k--) {   /* out of order */
		size_t i = below(s, n), j = below(s, n);
		char *t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	char *h = malloc(len), *p = h;
	*p = '\0';
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%s%s", i ? "\n" : "", v[i]);
	free(v);
	free(copy);
	return h;
}

/* A referral copy with history h and some of the sender's and the
 * receiver's fields, drawn. */
static record *
copy_with(uint64_t *s, const char *h, const char *tag)
{
	static const char *const fields[] = {
		"reason", "contact", "accepted", "return_reason", "resolved", "outcome",
		"outcome_reason", "feedback", "status", "closed", "_other",
	};
	record *r = record_new(REC_REFERRAL);
	r->id.site = 7;
	r->id.seq = 1;
	r->version = 3;
	for (size_t i = 0; i < NELEM(fields); i++)
		if (below(s, 2)) {
			char v[64];
			snprintf(v, sizeof v, "%s-%s-%zu", tag, fields[i], below(s, 2));
			ck_assert_int_eq(record_set(r, fields[i], v), 0);
		}
	ck_assert_int_eq(record_set(r, "village", "unit-a"), 0);
	if (*h)
		ck_assert_int_eq(record_set(r, "_history", h), 0);
	return r;
}

/* Both merges of owner and other give the same, field by field and
 * line by line; *ops the new one's count. */
static void
same_merge(const record *owner, const record *other, size_t *ops, size_t *oldops, uint64_t seed)
{
	struct refer_merge m, o;
	size_t k = 0;
	old_ops = 0;
	ck_assert_int_eq(refer_merge_ops(owner, other, &m, &k), 0);
	ck_assert_int_eq(old_merge(owner, other, &o), 0);
	const char *h = record_get(m.merged, "_history"), *oh = record_get(o.merged, "_history");
	bool same = (!h && !oh) || (h && oh && strcmp(h, oh) == 0);
	if (!same)
		fprintf(stderr, "case %llu:\n-- owner --\n%s\n-- other --\n%s\n-- merged --\n%s\n"
		        "-- merged before --\n%s\n",
		        (unsigned long long)seed, record_get(owner, "_history"),
		        record_get(other, "_history"), h ? h : "", oh ? oh : "");
	ck_assert_msg(same, "case %llu: the histories differ (on stderr)", (unsigned long long)seed);
	ck_assert_msg(m.merged->nfields == o.merged->nfields, "case %llu: fields",
	              (unsigned long long)seed);
	for (size_t i = 0; i < m.merged->nfields; i++) {
		ck_assert_str_eq(m.merged->fields[i].name, o.merged->fields[i].name);
		ck_assert_str_eq(m.merged->fields[i].value, o.merged->fields[i].value);
	}
	ck_assert(rec_id_equal(&m.merged->id, &o.merged->id));
	ck_assert_uint_eq(m.merged->version, o.merged->version);
	ck_assert_int_eq(m.state, o.state);
	ck_assert_int_eq(m.outcome, o.outcome);
	ck_assert_msg(m.changed_owner == o.changed_owner && m.changed_other == o.changed_other,
	              "case %llu: changed %d %d, the old one %d %d", (unsigned long long)seed,
	              m.changed_owner, m.changed_other, o.changed_owner, o.changed_other);
	ck_assert_uint_eq(m.nrefused, o.nrefused);
	for (size_t i = 0; i < m.nrefused; i++)
		ck_assert_str_eq(m.refused[i], o.refused[i]);
	refer_merge_free(&m);
	refer_merge_free(&o);
	if (ops)
		*ops = k;
	if (oldops)
		*oldops = old_ops;
}

/* Thousands of drawn pairs of copies: shared lines, lines of one side
 * only, equal stamps, doubled lines, lines out of their stamps' order,
 * short and blank lines, empty histories; merged by both, the same. */
START_TEST(test_merge_as_before)
{
	for (uint64_t seed = 1; seed <= 6000; seed++) {
		uint64_t s = seed;
		size_t np = 1 + below(&s, seed % 10 == 0 ? 200 : 24);
		char **pool = calloc(np, sizeof *pool);
		for (size_t i = 0; i < np; i++)
			pool[i] = random_line(&s);
		size_t big = seed % 50 == 0 ? 300 : 30;
		char *ho = history_of(&s, pool, np, below(&s, big), seed % 7 == 0);
		char *hb = below(&s, 3) ? history_beside(&s, ho, pool, np)
		                        : history_of(&s, pool, np, below(&s, big), false);
		record *owner = copy_with(&s, ho, "o"), *other = copy_with(&s, hb, "b");
		same_merge(owner, other, NULL, NULL, seed);
		same_merge(other, owner, NULL, NULL, seed);
		same_merge(owner, owner, NULL, NULL, seed);
		record_free(owner);
		record_free(other);
		free(ho);
		free(hb);
		for (size_t i = 0; i < np; i++)
			free(pool[i]);
		free(pool);
	}
}
END_TEST

/* Two copies of n lines each, shaped as kind says: 0 every line of the
 * other's its own with stamps between the owner's (the old join's worst:
 * each line scanned for and put in the middle), 1 the owner's lines all
 * equal, 2 every stamp equal, 3 the other's lines the owner's reversed. */
static void
long_copies(int kind, size_t n, record **owner, record **other)
{
	size_t cap = n * 64 + 1;
	char *ha = malloc(cap), *hb = malloc(cap), *pa = ha, *pb = hb;
	*ha = *hb = '\0';
	for (size_t i = 0; i < n; i++) {
		unsigned mi = (unsigned)(i % 1440), mj = (unsigned)((n - 1 - i) % 1440);
		switch (kind) {
		case 0:
			pa += sprintf(pa, "%s2026-%02u-%02u %02u:%02u\tpanlian\taccept\t%zu", i ? "\n" : "",
			              1 + (unsigned)(i / 1440) % 12, 1 + (unsigned)(i / 1440) / 12, mi / 60,
			              mi % 60, i);
			pb += sprintf(pb, "%s2026-%02u-%02u %02u:%02u\tanning\tedit\t%zu", i ? "\n" : "",
			              1 + (unsigned)(i / 1440) % 12, 1 + (unsigned)(i / 1440) / 12, mi / 60,
			              mi % 60, i);
			break;
		case 1:
			pa += sprintf(pa, "%s2026-11-20 09:00\tanning\tedit\t", i ? "\n" : "");
			pb += sprintf(pb, "%s2026-11-20 %02u:%02u\tpanlian\tstart\t%zu", i ? "\n" : "",
			              mj / 60, mj % 60, i);
			break;
		case 2:
			pa += sprintf(pa, "%s2026-11-20 09:00\tanning\tedit\ta%zu", i ? "\n" : "", i);
			pb += sprintf(pb, "%s2026-11-20 09:00\tpanlian\taccept\tb%zu", i ? "\n" : "", i);
			break;
		default:
			pa += sprintf(pa, "%s2026-11-20 %02u:%02u\tanning\tedit\t%zu", i ? "\n" : "",
			              mi / 60, mi % 60, i);
			pb += sprintf(pb, "%s2026-11-20 %02u:%02u\tanning\tedit\t%zu", i ? "\n" : "",
			              mj / 60, mj % 60, n - 1 - i);
			break;
		}
	}
	uint64_t s = 1;
	*owner = copy_with(&s, ha, "o");
	*other = copy_with(&s, hb, "b");
	free(ha);
	free(hb);
}

/* The join of two 1000-line copies (the most an exchange takes) does at
 * most c n log2 n operations, n the lines of both, by refer_merge_ops's
 * count, where the old join did several times more; and doubling n about
 * doubles the count (n log n), where the old join's quadrupled.  A count,
 * never a clock. */
START_TEST(test_merge_n_log_n)
{
	for (int kind = 0; kind < 4; kind++) {
		record *a, *b;
		size_t ops, oldops;
		long_copies(kind, 1000, &a, &b);
		same_merge(a, b, &ops, &oldops, (uint64_t)kind);
		double n = 2000, bound = 6 * n * 11;   /* log2 2000 < 11 */
		if (getenv("MERGE_OPS"))
			fprintf(stderr, "shape %d: %zu operations, the old join %zu\n", kind, ops, oldops);
		ck_assert_msg(ops <= bound, "shape %d: %zu operations for 1000 + 1000 lines, more than %.0f",
		              kind, ops, bound);
		if (kind == 0)
			ck_assert_msg(oldops > 2 * bound, "the old join did only %zu", oldops);
		record_free(a);
		record_free(b);
		size_t prev = 0;
		for (size_t len = 1000; len <= 8000; len *= 2) {
			long_copies(kind, len, &a, &b);
			struct refer_merge m;
			size_t k = 0;
			ck_assert_int_eq(refer_merge_ops(a, b, &m, &k), 0);
			refer_merge_free(&m);
			record_free(a);
			record_free(b);
			if (prev)
				ck_assert_msg(k <= prev * 5 / 2, "shape %d: %zu lines a side, %zu operations, "
				              "against %zu for half as many", kind, len, k, prev);
			prev = k;
		}
	}
}
END_TEST

/* The history as a worker reads it: an outcome by its label with the
 * reason after it, an escalation without the new referral's record id,
 * other notes as written. */
START_TEST(test_history_words)
{
	record *r = record_new(REC_REFERRAL);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(record_set(r, "_history",
	                            "2026-11-02 09:00\tpanlian\tresolve\trefused: 本人不愿意\n"
	                            "2026-11-03 09:00\tpanlian\tresolve\tsuccess\n"
	                            "2026-11-04 09:00\tpanlian\tescalate\t需县里协调 "
	                            "(ref-3f9a2c71d0e4-42)\n"
	                            "2026-11-05 09:00\tpanlian\treturn\tsuccess: 不是代码"),
	                 0);
	size_t n;
	char **h = refer_history(NULL, r, &n);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(n, 4);
	ck_assert_msg(strstr(h[0], "The person refused services: 本人不愿意") != NULL, "%s", h[0]);
	ck_assert_msg(strstr(h[0], "refused:") == NULL, "%s", h[0]);
	ck_assert_msg(strstr(h[1], "Successful") != NULL && strstr(h[1], "success") == NULL, "%s",
	              h[1]);
	ck_assert_msg(strstr(h[2], "需县里协调") != NULL, "%s", h[2]);
	ck_assert_msg(strstr(h[2], "ref-") == NULL && strstr(h[2], "(") == NULL, "%s", h[2]);
	/* no account to name the worker: the login is all there is */
	ck_assert_msg(strncmp(h[0], "2026-11-02 09:00  panlian  ", 27) == 0, "%s", h[0]);
	/* a note that only looks like an outcome, on another step, stays */
	ck_assert_msg(strstr(h[3], "success: 不是代码") != NULL, "%s", h[3]);
	for (size_t i = 0; i < n; i++)
		free(h[i]);
	free(h);
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
	tcase_add_test(tc, test_history_words);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_inbox_and_overdue);
	tcase_add_test(tc, test_news);
	tcase_add_test(tc, test_slip);
	suite_add_tcase(s, tc);
	tc = tcase_create("merge");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_merge_as_before);
	tcase_add_test(tc, test_merge_n_log_n);
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
