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
/* The summary of the record idtext names: its name, else idtext. */
char *shown_ref(store_txn *t, const char *idtext, unsigned flags);

#endif
