/* shown.c: a field's value as a worker sees it (shown.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "shown.h"
#include "util.h"

char *
shown_ref(store_txn *t, const char *idtext, unsigned flags)
{
	rec_id id;
	record *r;
	char *out = NULL;
	if (rec_id_parse(idtext, &id) == 0 && store_get(t, &id, &r) == STORE_OK) {
		const char *name = record_get(r, "name");
		if (name && *name) {
			struct strbuf b = {0};
			if (flags & SHOWN_IDS)
				sb_addf(&b, "%s (%s)", name, idtext);
			else
				sb_str(&b, name);
			out = sb_detach(&b);
		}
		record_free(r);
		if (out)
			return out;
	}
	return strdup(idtext);
}

/* "张三、李四" for references; "王五 2.5、赵六 1" for amounts. */
static char *
refs_shown(store_txn *t, const char *list, unsigned flags)
{
	struct strbuf b = {0};
	sb_str(&b, "");
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ","), k = strcspn(p, ",:");
		char *id = strndup(p, k);
		char *name = id ? shown_ref(t, id, flags) : NULL;
		if (b.len)
			sb_str(&b, "、");
		sb_str(&b, name ? name : "?");
		if (k < n) {
			sb_str(&b, " ");
			sb_add(&b, p + k + 1, n - k - 1);
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
		return shown_ref(t, v, flags);
	if (fd->type == FT_REFERENCES || fd->type == FT_AMOUNTS)
		return refs_shown(t, v, flags);
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
