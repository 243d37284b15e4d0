/* shown.h: a field's value as a worker sees it, the one rule the screens,
 * export and `show` share (tests/check-shown.c holds them to it).
 *
 * What a worker sees: a choice by its label, yes/no in words, a date as
 * stored, a sensitive value masked when the worker may not see it whole,
 * a calculated field worked out, a field not shown for this record's
 * answers empty, and a record named in a field by its summary (its name;
 * its id when it has none or is gone): "张三" for a reference, "张三、李四"
 * for a list, "王五 2.5、赵六 1" for amounts.  A spreadsheet reader reads
 * the same text.  The command line, where the worker types an id next,
 * adds it: "张三 (res-...)". */
#ifndef SHEGONG_SHOWN_H
#define SHEGONG_SHOWN_H

#include "form.h"
#include "record.h"
#include "store.h"

enum {
	SHOWN_IDS = 1,   /* a named record as "name (id)" */
};

/* The value as shown; malloc'd, "" when empty, NULL when out of memory.
 * A note's line ends are kept (a screen row folds them). */
char *shown_value(store_txn *t, const struct form_field *fd, const record *r,
                  const struct form_env *env, unsigned flags);
/* The same in its own read transaction. */
char *shown_value_read(store *st, const struct form_field *fd, const record *r,
                       const struct form_env *env, unsigned flags);
/* The summary of the record idtext names: its name, or for a record
 * without one (a need, a service) the line shown_summary makes; else
 * idtext (a record gone or not readable).  forms (may be NULL: choices
 * are then shown by their codes) gives the labels. */
char *shown_ref(store_txn *t, const struct formset *forms, const char *idtext, unsigned flags);

/* How a record is named where a field or a picker shows it: its "name",
 * else its kind's ref_line fields (kind.h) as shown, blank-separated, a
 * note's lines joined: "2026-11-20 老幼关爱 每周探望，帮忙买药" for a
 * need.  cols > 0 cuts it to that many columns, "…" at the cut.
 * malloc'd; NULL when the record has nothing to be named by (or out of
 * memory). */
#define SHOWN_SUMMARY_COLS 40
char *shown_summary(const struct formset *forms, const record *r, int cols);

/* A change of fields as an exchange's notice tells it (sync.c): a head
 * line, then one entry a field, "\n  NAME: WAS  ->  NOW" (malloc'd by
 * shown_change_line; NULL when out of memory), where every line end
 * inside a value is followed by four blanks, so no line of a value reads
 * as a field's. */
#define SHOWN_CHANGE_ARROW "  ->  "
char *shown_change_line(const char *name, const char *was, const char *now);
/* text as a worker who may not see f's sensitive fields sees it: each
 * entry of a sensitive field (of any field when f is NULL: the form is
 * not known) with both values masked as shown_value masks them, the
 * rest as it is.  A line that is not an entry belongs to the entry above
 * it (notices written before the four blanks); with trailer, the last
 * line is not an entry's (the note of the worker who settled it).
 * malloc'd, NULL when out of memory. */
char *shown_change_masked(const struct form *f, const char *text, bool trailer);

#endif
