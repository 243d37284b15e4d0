/* shown.c: a field's value as a worker sees it, and a change of fields
 * as an exchange's notice tells it (shown.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "kind.h"
#include "orgunit.h"
#include "shown.h"
#include "text.h"
#include "util.h"

char *
shown_summary(const struct formset *forms, const record *r, int cols)
{
	const char *name = record_get(r, "name");
	struct strbuf b = {0};
	if (name && *name) {
		sb_str(&b, name);
	} else {
		const struct form *f = forms ? formset_for_record(forms, r) : NULL;
		const struct kind_rules *kr = kind_rules(r->id.kind);
		for (size_t i = 0; i < sizeof kr->ref_line / sizeof *kr->ref_line && kr->ref_line[i]; i++) {
			const char *v = record_get(r, kr->ref_line[i]);
			const struct form_field *fd = f ? form_field(f, kr->ref_line[i]) : NULL;
			if (!v || !*v)
				continue;
			char *shown = fd ? form_display(fd, v, false) : strdup(v);
			if (!shown)
				continue;
			if (b.len)
				sb_str(&b, " ");
			/* a note's lines and runs of blanks as one blank */
			bool blank = false;
			for (const char *p = shown; *p; p++) {
				bool is_blank = *p == '\n' || *p == '\r' || *p == '\t' || *p == ' ';
				if (is_blank && !blank)
					sb_str(&b, " ");
				else if (!is_blank)
					sb_add(&b, p, 1);
				blank = is_blank;
			}
			free(shown);
		}
	}
	if (!b.len) {
		sb_free(&b);
		return NULL;
	}
	char *out = sb_detach(&b);
	if (out && cols > 0 && text_width(out, strlen(out)) > cols) {
		static const char more[] = "…";
		size_t keep = text_fit(out, strlen(out), cols - 1, NULL);
		while (keep > 0 && out[keep - 1] == ' ')
			keep--;
		char *cut = malloc(keep + sizeof more);
		if (cut) {
			memcpy(cut, out, keep);
			memcpy(cut + keep, more, sizeof more);
		}
		free(out);
		out = cut;
	}
	return out;
}

char *
shown_ref(store_txn *t, const struct formset *forms, const char *idtext, unsigned flags)
{
	rec_id id;
	record *r;
	char *out = NULL;
	if (rec_id_parse(idtext, &id) == 0 && store_get(t, &id, &r) == STORE_OK) {
		char *name = shown_summary(forms, r, SHOWN_SUMMARY_COLS);
		if (name) {
			struct strbuf b = {0};
			if (flags & SHOWN_IDS)
				sb_addf(&b, "%s (%s)", name, idtext);
			else
				sb_str(&b, name);
			out = sb_detach(&b);
			free(name);
		}
		record_free(r);
		if (out)
			return out;
	}
	return strdup(idtext);
}

/* The unit an amount of the record idtext is counted in: a volunteer's
 * hours, a resource's own unit (元, 件 ...); NULL when it has none. */
static char *
amount_unit(store_txn *t, int kind, const char *idtext)
{
	if (kind == REC_VOLUNTEER)
		return strdup(_("hours"));
	rec_id id;
	record *r;
	char *out = NULL;
	if (rec_id_parse(idtext, &id) == 0 && store_get(t, &id, &r) == STORE_OK) {
		const char *u = record_get(r, "unit");
		out = u && *u ? strdup(u) : NULL;
		record_free(r);
	}
	return out;
}

/* "张三、李四" for references; "张丽 2 小时、刘芳 1 小时" for volunteers'
 * hours, "大米 50 斤" for a resource in its unit. */
static char *
refs_shown(store_txn *t, const struct formset *forms, const char *list, int kind,
           unsigned flags)
{
	struct strbuf b = {0};
	sb_str(&b, "");
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ","), k = strcspn(p, ",:");
		char *id = strndup(p, k);
		char *name = id ? shown_ref(t, forms, id, flags) : NULL;
		if (b.len)
			sb_str(&b, "、");
		sb_str(&b, name ? name : "?");
		if (k < n) {
			sb_str(&b, " ");
			sb_add(&b, p + k + 1, n - k - 1);
			char *unit = id ? amount_unit(t, kind, id) : NULL;
			if (unit) {
				sb_str(&b, " ");
				sb_str(&b, unit);
			}
			free(unit);
		}
		free(id);
		free(name);
		p += n;
		if (*p)
			p++;
	}
	return sb_detach(&b);
}

char *
shown_value(store_txn *t, const struct form_field *fd, const record *r,
            const struct form_env *env, unsigned flags)
{
	if (!form_relevant(fd, r))
		return strdup("");
	if (fd->type == FT_CALCULATE) {
		char *v = form_calculate(fd, r, env);
		char *out = form_display(fd, v, !env->masked);
		free(v);
		return out;
	}
	const char *v = record_get(r, fd->name);
	if (!v || !*v || (fd->sensitive && env->masked))
		return form_display(fd, v, !env->masked);
	if (fd->type == FT_REFERENCE)
		return shown_ref(t, env->forms, v, flags);
	if (fd->type == FT_REFERENCES || fd->type == FT_AMOUNTS)
		return refs_shown(t, env->forms, v, fd->ref_kind, flags);
	/* the worker a record names by login (李红梅, not anning) */
	if (fd->type == FT_TEXT && fd->dflt && strcmp(fd->dflt, "worker") == 0) {
		record *w;
		if (worker_by_login(t, v, &w) == STORE_OK) {
			const char *name = record_get(w, "name");
			char *out = strdup(name && *name ? name : v);
			record_free(w);
			return out;
		}
	}
	return form_display(fd, v, !env->masked);
}

struct shown_read {
	const struct form_field *fd;
	const record *r;
	const struct form_env *env;
	unsigned flags;
	char *out;
};

static int
shown_txn(store_txn *t, void *ctx)
{
	struct shown_read *s = ctx;
	free(s->out);
	s->out = shown_value(t, s->fd, s->r, s->env, s->flags);
	return s->out ? 0 : STORE_NOMEM;
}

char *
shown_value_read(store *st, const struct form_field *fd, const record *r,
                 const struct form_env *env, unsigned flags)
{
	struct shown_read s = {fd, r, env, flags, NULL};
	if (store_read(st, shown_txn, &s) != STORE_OK) {
		free(s.out);
		return NULL;
	}
	return s.out;
}

/* --- a change of fields, as an exchange's notice tells it ------------------ */

/* value with a blank line start of four after each of its line ends */
static void
change_value(struct strbuf *b, const char *v)
{
	for (const char *p = v ? v : ""; *p; p++) {
		sb_add(b, p, 1);
		if (*p == '\n')
			sb_str(b, "    ");
	}
}

char *
shown_change_line(const char *name, const char *was, const char *now)
{
	struct strbuf b = {0};
	sb_str(&b, "\n  ");
	change_value(&b, name);
	sb_str(&b, ": ");
	change_value(&b, was);
	sb_str(&b, SHOWN_CHANGE_ARROW);
	change_value(&b, now);
	return sb_detach(&b);
}

/* The field a line of a change names ("  NAME: ..."): f's field, or any
 * name of letters, digits and '_' when f is NULL; *fd f's field (NULL
 * when f is NULL); the length of "  NAME:" in *skip. */
static bool
change_entry(const struct form *f, const char *line, size_t len,
             const struct form_field **fd, size_t *skip)
{
	*fd = NULL;
	if (len < 4 || line[0] != ' ' || line[1] != ' ' || line[2] == ' ')
		return false;
	size_t k = 2;
	while (k < len && line[k] != ':')
		k++;
	if (k == 2 || k + 1 >= len || line[k + 1] != ' ')
		return false;
	char name[128];
	if (k - 2 >= sizeof name)
		return false;
	memcpy(name, line + 2, k - 2);
	name[k - 2] = '\0';
	*skip = k + 1;
	if (f)
		return (*fd = form_field(f, name)) != NULL;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return false;
	return true;
}

/* One value of a masked entry as shown_value shows it masked. */
static void
change_masked_value(struct strbuf *b, const struct form_field *fd, const char *v, size_t n)
{
	char *one = strndup(v, n);
	char *shown = NULL;
	if (one && fd)
		shown = form_display(fd, one, false);
	else if (one)
		shown = strdup(*one ? _("(hidden)") : "");
	sb_str(b, shown ? shown : _("(hidden)"));
	free(shown);
	free(one);
}

/* The masked entry: "  NAME: " and its value v (from the blank after
 * the colon; its lines joined, the four blanks of each line after the
 * first left out), each side of the arrow masked. */
static void
change_masked(struct strbuf *b, const struct form_field *fd, const char *name, size_t nlen,
              const char *v)
{
	sb_str(b, "  ");
	sb_add(b, name, nlen);
	sb_str(b, ": ");
	const char *arrow = strstr(v, SHOWN_CHANGE_ARROW);
	const char *was = *v == ' ' && v != arrow ? v + 1 : v;
	if (arrow) {
		change_masked_value(b, fd, was, arrow > was ? (size_t)(arrow - was) : 0);
		sb_str(b, SHOWN_CHANGE_ARROW);
		v = arrow + strlen(SHOWN_CHANGE_ARROW);
		change_masked_value(b, fd, v, strlen(v));
	} else {
		change_masked_value(b, fd, was, strlen(was));
	}
}

char *
shown_change_masked(const struct form *f, const char *text, bool trailer)
{
	struct strbuf b = {0}, val = {0};
	sb_str(&b, "");
	const char *p = text ? text : "", *last = trailer ? strrchr(p, '\n') : NULL;
	const struct form_field *fd = NULL;
	const char *name = NULL;   /* the entry being masked, while pending */
	size_t nlen = 0;
	bool pending = false;
	for (size_t i = 0;; i++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p), skip = 0;
		const struct form_field *efd = NULL;
		bool end = i > 0 && last && p == last + 1;   /* the settling line */
		bool entry = i > 0 && !end && change_entry(f, p, len, &efd, &skip);
		if (pending && (entry || end)) {
			change_masked(&b, fd, name, nlen, val.p ? val.p : "");
			sb_str(&b, "\n");
			pending = false;
		}
		if (entry && (!f || efd->sensitive)) {
			pending = true;
			fd = efd;
			name = p + 2;
			nlen = skip - 3;
			sb_free(&val);
			sb_str(&val, "");
			sb_add(&val, p + skip, len - skip);
		} else if (pending) {
			size_t in = len >= 4 && memcmp(p, "    ", 4) == 0 ? 4 : 0;
			sb_str(&val, "\n");
			sb_add(&val, p + in, len - in);
		} else {
			sb_add(&b, p, len);
		}
		if (!nl)
			break;
		if (!pending)
			sb_str(&b, "\n");
		p = nl + 1;
	}
	if (pending)
		change_masked(&b, fd, name, nlen, val.p ? val.p : "");
	sb_free(&val);
	return sb_detach(&b);
}
