/* form.h: forms as data.  A form file in forms/ describes the fields of
 * one kind of record: their types, labels, rules and choice lists; one
 * engine (this module, and the screens above it) serves every form.  The
 * format is documented in forms/README.md.  No curses. */
#ifndef SHEGONG_FORM_H
#define SHEGONG_FORM_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "record.h"

enum field_type {
	FT_TEXT = 1,
	FT_NOTE,             /* multi-line text */
	FT_INTEGER,
	FT_DECIMAL,
	FT_DATE,
	FT_SELECT_ONE,
	FT_SELECT_MULTIPLE,  /* stored as values joined by ',' */
	FT_YESNO,            /* stored as "yes" / "no" */
	FT_IDNUM,            /* resident ID number, GB 11643 */
	FT_PHONE,
	FT_REFERENCE,        /* the id of another record */
	FT_CALCULATE,        /* computed, read-only, not stored */
	FT_REFERENCES,       /* several records of one kind: ids joined by ',' */
	FT_AMOUNTS,          /* records of one kind, each with a number: "id:2.5,id:1"
	                      * (volunteers and their hours, resources and quantities) */
};

struct form_choice {
	char *value;   /* what is stored */
	char *label;   /* what is shown (translatable) */
};

struct form_choices {
	char *name;
	size_t n;
	struct form_choice *items;
	int line;
};

/* shown-only-when: field OP value */
enum rel_op { REL_NONE = 0, REL_EQ, REL_NE, REL_CONTAINS, REL_SET };

struct form_field {
	char *name;
	char *label, *hint;          /* translatable */
	enum field_type type;
	bool required, sensitive, readonly;
	bool has_len, has_range;
	long minlen, maxlen;         /* in characters */
	double min, max;             /* for numbers */
	char *pattern;
	regex_t re;
	bool has_re;
	char *dflt;                  /* today, worker, village, or a literal */
	char *calc;                  /* age(F), sex(F), birth(F) */
	char *calc_arg;
	enum rel_op rel_op;
	char *rel_field, *rel_value;
	const struct form_choices *choices;  /* for the select types */
	char *choices_name;
	int ref_kind;                /* for FT_REFERENCE, FT_REFERENCES, FT_AMOUNTS */
	int ref_level;               /* "reference village": a unit of this level only
	                              * (enum unit_level), else 0 */
	char *carry;                 /* a new record started from a resident takes
	                              * the resident's field of this name */
	char *choices_by;            /* a unit field: the choices are the list
	                              * NAME_CODE (this field's name, that unit's
	                              * code) where there is one (组 by village) */
	int line;
};

struct form_arena;

struct form {
	char *name;        /* machine name, the file's */
	char *title;       /* translatable */
	int kind;          /* record kind */
	unsigned version;
	char *path;
	size_t nfields;
	struct form_field *fields;
	size_t nlist;      /* list view columns: indexes into fields */
	size_t *list;
	size_t nchoices;
	struct form_choices *choices;   /* the form's own lists */
	size_t nretired;   /* fields taken out ("retired NAME LABEL"), */
	struct form_retired {           /* by the label old records show */
		char *name;
		char *label;                /* translatable */
		int line;
	} *retired;
	struct form_arena *arena;  /* every string above lives here (names,
	                            * labels, patterns ...), freed at once */
};

/* A set of forms: every *.form in a folder, with the shared choice
 * lists of its file "choices". */
struct formset {
	size_t nforms;
	struct form **forms;
	struct form *shared;  /* holds the shared choices (no fields) */
};

/* A fault in a form file: where, and what. */
struct form_error {
	char file[256];
	int line;
	char msg[256];
};

/* Parse the text of one form file (path is used in messages and kept).
 * shared (may be NULL) offers choice lists the form may name.  Returns
 * the form, or NULL with *err filled. */
struct form *form_parse(const char *text, const char *path, const struct form *shared,
                        struct form_error *err);
void form_free(struct form *f);

/* Load forms/choices and every forms/<name>.form in dir, in name order,
 * except that forms of a kind fixing a choice of one list (the six service
 * forms, their function) come in that list's order.  Returns NULL with
 * *err filled at the first broken file. */
struct formset *formset_load(const char *dir, struct form_error *err);
void formset_free(struct formset *fs);
/* formset_load, through a cache of the parsed set in the user's cache
 * folder (form-cache.c): read from there when the forms' files are as
 * they were when it was written, else parsed and the cache written
 * again.  Not in a setgid run, nor for the forms a township sent
 * (paths_use_db_forms): those are always parsed. */
struct formset *formset_load_cached(const char *dir, struct form_error *err);
/* The cache file for the forms of dir (malloc'd), or NULL when a run
 * keeps none (setgid). */
char *form_cache_path(const char *dir);
/* How the last formset_load_cached came by its set. */
enum form_cache_use {
	FORM_CACHE_OFF,      /* parsed: no cache in this run or for this folder */
	FORM_CACHE_HIT,      /* read from the cache */
	FORM_CACHE_PARSED,   /* parsed: no cache fit; none written */
	FORM_CACHE_WRITTEN,  /* parsed, and the cache written */
};
enum form_cache_use form_cache_last(void);
struct form *formset_find(const struct formset *fs, const char *name);
/* The form for records of kind (the first one), or NULL. */
struct form *formset_for_kind(const struct formset *fs, int kind);
/* The form a record was made with: its "_form" field names it when a kind
 * has several forms (the six service records); else the kind's form. */
struct form *formset_for_record(const struct formset *fs, const record *r);
/* Fields whose names start with '_' belong to the program (like "_form"):
 * never shown, never listed as old fields. */
#define FORM_INTERNAL_PREFIX '_'

const struct form_field *form_field(const struct form *f, const char *name);
const char *form_type_name(enum field_type t);

/* The choices of a field with "choices_by" for the unit of code: the
 * list NAME_CODE of the form's own lists or fs's shared ones, or NULL
 * (then the field is typed as free text). */
const struct form_choices *form_choices_by(const struct form *f, const struct formset *fs,
                                           const struct form_field *fd, const char *code);

/* The label of a choice value (translated), or the value itself. */
const char *form_choice_label(const struct form_field *fd, const char *value);

/* --- values and rules ---------------------------------------------------- */

/* Where defaults and calculations find the worker and the date. */
struct form_env {
	const char *worker;   /* login */
	const char *village;  /* the worker's village's record id, or NULL */
	const char *today;    /* YYYY-MM-DD */
	bool masked;          /* sensitive fields are shown masked: the worker's role
	                       * may not see them (scope_may_see_sensitive) */
	int village_level;    /* the level of village's unit (enum unit_level): a
	                       * field of one level ("reference village") takes the
	                       * default only from a unit of that level */
	const struct formset *forms;  /* to name a record without a name of its own
	                               * (a need) by its fields' labels, or NULL */
};

/* Is the field shown, given the values in r? */
bool form_relevant(const struct form_field *fd, const record *r);

/* Normalise a value as typed (dates to YYYY-MM-DD, x to X in ID numbers,
 * trimmed blanks) and check it against the field's rules.  Returns NULL
 * when valid, with *out a malloc'd normal form (or NULL for empty);
 * otherwise a message a worker can act on (translated, static or in
 * msgbuf). */
const char *form_check_value(const struct form_field *fd, const char *typed, char **out,
                             char *msgbuf, size_t msgsize);

/* Check a whole record: required fields that are shown, and every value.
 * Returns NULL when all is well, or the message of the first fault and
 * *bad the index of its field. */
const char *form_check_record(const struct form *f, const record *r, size_t *bad,
                              char *msgbuf, size_t msgsize);
/* The same, where known[i] (known may be NULL, and known[i]) is a value
 * form_check_value passed for field i, as it is and with nothing made
 * of it: where r holds that same text, its value is not checked again
 * (the import checks each cell as it reads it). */
const char *form_check_record_known(const struct form *f, const record *r,
                                    const char *const *known, size_t *bad, char *msgbuf,
                                    size_t msgsize);

/* Check the units r names in fields of one level ("reference village"):
 * each must be a unit of that level in t.  NULL when all is well, or the
 * message (naming the field and the unit) and *bad the field's index.
 * The rule for forms, import and the command line alike. */
struct store_txn;
const char *form_check_units(const struct form *f, const record *r, struct store_txn *t,
                             size_t *bad, char *msgbuf, size_t msgsize);
/* The same in a read transaction of its own on st. */
struct store;
const char *form_check_units_read(const struct form *f, const record *r, struct store *st,
                                  size_t *bad, char *msgbuf, size_t msgsize);
/* The same for one field and the unit it names (NULL: no such unit). */
const char *form_check_unit(const struct form_field *fd, const record *unit, char *msgbuf,
                            size_t msgsize);

/* Fields filled from the ID number (a "calculation" on a field that is
 * not calculated: sex(idnum) on a sex list, birth(idnum) on a date): each
 * one still empty, or still holding what was (the ID number before it was
 * changed; may be NULL) said, takes what the valid ID number in r says.
 * Returns how many were filled. */
int form_fill_from_id(const struct form *f, record *r, const char *was);
/* Such a field's value against the ID number: NULL when it agrees (or
 * either is empty or wrong), else the message (a male ID saved as
 * female).  form_check_record checks it for every such field. */
const char *form_check_id_agrees(const struct form_field *fd, const record *r, char *buf,
                                 size_t size);

/* A field the worker has nothing to type into: calculated, read-only, or
 * (for a village's worker) the village or worker its default put there,
 * which they could not change.  Tab and Down pass over it. */
bool form_field_fixed(const struct form_field *fd, const record *r, const struct form_env *env);

/* A new record r started from a resident (person): each field of f with
 * "carry NAME" that r has not filled takes person's NAME (their phone,
 * village, group, categories).  Returns how many were filled. */
int form_carry(const struct form *f, record *r, const record *person);

/* Fill the defaults of a new record. */
int form_apply_defaults(const struct form *f, record *r, const struct form_env *env);

/* The value of a calculated field for r (malloc'd), or NULL. */
char *form_calculate(const struct form_field *fd, const record *r, const struct form_env *env);

/* The value as shown to someone who may (or may not) see sensitive
 * fields: choice labels, yes/no, masked ID numbers.  malloc'd. */
char *form_display(const struct form_field *fd, const char *value, bool may_see_sensitive);
/* The one masking rule that form_display and the warehouse (feed.c)
 * share: a field is hidden from one who may not see sensitive fields
 * (scope_may_see_sensitive) when the form marks it sensitive; what is
 * left of a hidden value is, for an ID number of 18 characters, the
 * number with its middle starred (valid_idnum_mask, malloc'd), and for
 * anything else nothing (NULL: a screen shows "(hidden)"). */
bool form_hidden(const struct form_field *fd, bool may_see_sensitive);
char *form_mask(const struct form_field *fd, const char *value);

/* The parts of an FT_AMOUNTS value: calls fn(id text, amount) for each
 * "id:amount" item; returns the number of items, or -1 when malformed. */
int form_amounts_each(const char *value, void (*fn)(const char *id, double amount, void *ctx),
                      void *ctx);

/* Fields that r has but the form no longer lists (kept, shown read-only). */
size_t form_extra_fields(const struct form *f, const record *r, const char **names, size_t max);

/* How a field of an old record that f no longer has is labelled: the
 * label of its "retired" line (untranslated; pass it through _()), or the
 * bare name when the form keeps none. */
const char *form_extra_label(const struct form *f, const char *name);

#endif
