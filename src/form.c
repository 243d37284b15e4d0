/* form.c: reading form files: the parser, its checks, and the form set of
 * a folder. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "form-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "text.h"
#include "util.h"

static const struct {
	enum field_type type;
	const char *name;
} types[] = {
	{FT_TEXT, "text"},
	{FT_NOTE, "note"},
	{FT_INTEGER, "integer"},
	{FT_DECIMAL, "decimal"},
	{FT_DATE, "date"},
	{FT_SELECT_ONE, "select_one"},
	{FT_SELECT_MULTIPLE, "select_multiple"},
	{FT_YESNO, "yesno"},
	{FT_IDNUM, "idnum"},
	{FT_PHONE, "phone"},
	{FT_REFERENCE, "reference"},
	{FT_CALCULATE, "calculate"},
	{FT_REFERENCES, "references"},
	{FT_AMOUNTS, "amounts"},
};
#define NTYPES (NELEM(types))

const char *
form_type_name(enum field_type t)
{
	for (size_t i = 0; i < NTYPES; i++)
		if (types[i].type == t)
			return types[i].name;
	return "?";
}

static const char *const calcs[] = {"age", "sex", "birth"};

/* --- the parser's state ---------------------------------------------------- */

enum block { B_TOP, B_FIELD, B_CHOICES };

struct parser {
	struct form *f;
	const struct form *shared;
	bool shared_only;   /* the "choices" file: choice lists and nothing else */
	const char *dir;    /* where "include NAME" finds NAME.fields */
	const char *incpath; /* the included file being read, or NULL */
	struct form_error *err;
	int line;
	enum block block;
	char *listspec;
	int listline;
	/* per field: the included file it came from (NULL: the form's own
	 * file), and the line of the form's own block that changes it (0: none) */
	const char **fsrc;
	int *aline;
	char **incs;        /* the included files' paths (owned) */
	size_t nincs;
	size_t cur;         /* the field whose block is open */
	size_t fcap, ccap, icap;  /* room in f->fields (and fsrc, aline), in
	                           * f->choices, in the open list's items */
	struct inc_cache *cache;  /* included files already read, or NULL */
};

/* The included files formset_load has read (the six service forms
 * include one): each one's fields and choice lists as its first reading
 * left them, copied into the next form that includes it instead of
 * reading and parsing it again. */
struct inc_cache {
	size_t n;
	struct inc_entry {
		char *path;
		struct form *tmpl;   /* its fields and choice lists only */
	} *e;
};

/* A key of a form file: compared by its first byte before strcmp. */
#define KEY_IS(key, lit) ((key)[0] == (lit)[0] && strcmp((key), (lit)) == 0)

static bool
fail(struct parser *p, int line, const char *fmt, ...)
{
	va_list ap;
	p->err->line = line;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
	va_end(ap);
	return false;
}

/* Where a fault about a field found after the last line is: in the file
 * the field was written in (an included file, or the form's own); with
 * changed, at the form's own block that changed an included field, when
 * it has one.  Sets the file; returns the line. */
static int
field_where(struct parser *p, const struct form_field *fd, bool changed)
{
	size_t i = (size_t)(fd - p->f->fields);
	const char *src = p->fsrc ? p->fsrc[i] : NULL;
	int line = fd->line;
	if (changed && p->aline && p->aline[i]) {
		src = NULL;
		line = p->aline[i];
	}
	snprintf(p->err->file, sizeof p->err->file, "%s", src ? src : p->f->path);
	return line;
}

static bool
valid_name(const char *s)
{
	if (!(*s >= 'a' && *s <= 'z'))
		return false;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

static bool
parse_yesno(struct parser *p, const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0) {
		*out = false;
		return true;
	}
	return fail(p, p->line, _("write yes or no, not \"%s\""), v);
}

/* "A..B", either side may be empty. */
static bool
parse_range(struct parser *p, const char *v, double *lo, double *hi)
{
	const char *dots = strstr(v, "..");
	if (!dots)
		return fail(p, p->line, _("a range is written MIN..MAX, e.g. 0..120, not \"%s\""), v);
	char *end;
	*lo = -1e300;
	*hi = 1e300;
	if (dots != v) {
		/* strtod would read "1." of "1..4" as a number: cut first */
		char left[64];
		size_t n = (size_t)(dots - v);
		if (n >= sizeof left)
			return fail(p, p->line, _("\"%s\" is not a number range"), v);
		memcpy(left, v, n);
		left[n] = '\0';
		*lo = strtod(left, &end);
		if (*end || end == left)
			return fail(p, p->line, _("\"%s\" is not a number range"), v);
	}
	if (dots[2]) {
		*hi = strtod(dots + 2, &end);
		if (*end || end == dots + 2)
			return fail(p, p->line, _("\"%s\" is not a number range"), v);
	}
	/* strtod reads "nan" and "inf" too: neither bounds anything */
	if (isnan(*lo) || isnan(*hi))
		return fail(p, p->line, _("\"%s\" is not a number range"), v);
	if (*lo > *hi)
		return fail(p, p->line, _("the range %s is empty: its minimum is above its maximum"), v);
	return true;
}

/* What glibc's regcomp makes of an extended expression, at least: it
 * copies what a repetition repeats ("x+" is "xx*", "x{3,5}" five x's), so
 * repetitions stacked or nested multiply ("x++++" doubles each time;
 * "((x{99}){99}){99}" is a million x's), and its closures over
 * repetitions of repetitions ("x****", "((x)*)*") grow as the fourth power
 * of their depth.  Worst of all is a loop ("*", "+", "{n,}") over
 * something that can match nothing ("(a*)*", "a?+", "(a|)*", "a*+++++",
 * "(a*){2000,}"): calc_eclosure keeps no closure it found incomplete on a
 * cycle of empty moves, so it walks every path through the nested empty
 * loops again, exponentially ("a*++++" 10 ms, "a*+++++" 13 s); an
 * optional one ("?", "{0,m}", "{n,m}") over such a thing doubles the
 * empty paths at each level ("a??????{99}" 2.7 s).  Only "{n}" (n copies
 * in a row) is left to what can match nothing.  And
 * pieces that may match nothing in a row keep closures that grow as the
 * square of their number, for as long as the pattern is compiled
 * ("[a-z]{0,4000}" and "a*{4000}": 255 MB; 1000 of them 18 MB).  A few
 * lines of a form file could take gigabytes or hours when the program
 * starts.  pieces is counted up to PATTERN_MAX_PIECES, depth is the
 * deepest repetition of a repetition, empty whether what was read can
 * match the empty string, empty_repeat whether it repeats (other than
 * "{n}") something that can; *s is left after what was read (at a ')'
 * that ends a group, or at the end). */
#define PATTERN_MAX_PIECES 1024.0
#define PATTERN_MAX_DEPTH 8

struct pattern_cost {
	double pieces;
	int depth;
	bool empty;
	bool empty_repeat;
};

static bool
pattern_too_costly(const struct pattern_cost *c)
{
	return c->pieces > PATTERN_MAX_PIECES || c->depth > PATTERN_MAX_DEPTH || c->empty_repeat;
}

static struct pattern_cost
pattern_cost(const char **s, int nesting)
{
	struct pattern_cost all = {0, 0, false, false};
	double last = 0;      /* pieces of the last item (what a repetition repeats) */
	int lastdepth = 0;
	bool before = true;   /* the items of this alternative before the last match empty */
	bool lastempty = true;
	const char *c = *s;
	while (*c && *c != ')' && !pattern_too_costly(&all)) {
		double item = 1;
		int itemdepth = 0;
		bool itemempty = false;
		if (*c == '(') {
			c++;
			struct pattern_cost in = {PATTERN_MAX_PIECES + 1, 0, false, false};
			if (nesting < 64)
				in = pattern_cost(&c, nesting + 1);
			item = in.pieces;
			itemdepth = in.depth;
			itemempty = in.empty;
			all.empty_repeat |= in.empty_repeat;
			if (all.depth < in.depth)
				all.depth = in.depth;
			if (*c == ')')
				c++;
		} else if (*c == '[') {
			/* a bracket expression: "]" first is a member, "[:alpha:]" a class */
			c++;
			if (*c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']') {
				if (*c == '[' && (c[1] == ':' || c[1] == '.' || c[1] == '=')) {
					char close = c[1];
					c += 2;
					while (*c && !(*c == close && c[1] == ']'))
						c++;
					if (*c)
						c += 2;
				} else {
					c++;
				}
			}
			if (*c)
				c++;
		} else if (*c == '+' || *c == '*' || *c == '?' || *c == '{') {
			/* a repetition of the last item: x+ is xx*, x{n,m} max(n, m)
			 * copies (n + 1 when open); all but "{n}" loop or add a way
			 * round what they repeat */
			double copies = *c == '+' ? 2 : 1;
			bool exact = false;
			bool empty = *c == '*' || *c == '?';
			if (*c == '{') {
				char *end;
				double n = (double)strtol(c + 1, &end, 10), m = n;
				if (*end == ',')
					m = end[1] == '}' ? n + 1 : (double)strtol(end + 1, &end, 10);
				exact = *end != ',' && m == n;
				empty = n < 1;
				copies = m > n ? m : n;
				if (copies < 1)
					copies = 1;
				while (*c && *c != '}')
					c++;
			}
			if (*c)
				c++;
			if (!exact && lastempty)
				all.empty_repeat = true;
			lastempty = lastempty || empty;
			all.pieces += last * (copies - 1) + 1;
			last *= copies;
			lastdepth++;
			if (all.depth < lastdepth)
				all.depth = lastdepth;
			continue;
		} else if (*c == '|') {
			c++;
			all.empty |= before && lastempty;
			last = 0;
			lastdepth = 0;
			before = lastempty = true;
			continue;
		} else if (*c == '^' || *c == '$') {
			/* anchors take no character */
			itemempty = true;
			c++;
		} else {
			/* \b \B \< \> \` \' are anchors, \1 a back reference that
			 * may be empty; any other \x is one character */
			if (*c == '\\' && c[1]) {
				c++;
				itemempty = strchr("bB<>`'123456789", *c) != NULL;
			}
			c++;
		}
		before = before && lastempty;
		all.pieces += item;
		last = item;
		lastdepth = itemdepth;
		lastempty = itemempty;
	}
	all.empty |= before && lastempty;
	*s = c;
	return all;
}

static struct form_field *
cur_field(struct parser *p)
{
	return &p->f->fields[p->cur];
}

static struct form_choices *
cur_choices(struct parser *p)
{
	return &p->f->choices[p->f->nchoices - 1];
}

static bool
oom(struct parser *p)
{
	return fail(p, p->line, "%s", _("out of memory"));
}

/* The form's strings come from its arena (form-internal.h). */
enum { ARENA_BLOCK = 4096 - sizeof(struct form_arena) };

static char *
arena_strndup(struct form *f, const char *s, size_t n)
{
	struct form_arena *a = f->arena;
	if (!a || a->size - a->used < n + 1) {
		size_t size = n + 1 > ARENA_BLOCK ? n + 1 : ARENA_BLOCK;
		if (!(a = malloc(sizeof *a + size)))
			return NULL;
		a->size = size;
		a->used = 0;
		/* a big string's block goes behind the one being filled */
		if (f->arena && size > ARENA_BLOCK) {
			a->next = f->arena->next;
			f->arena->next = a;
		} else {
			a->next = f->arena;
			f->arena = a;
		}
	}
	char *d = a->mem + a->used;
	memcpy(d, s, n);
	d[n] = '\0';
	a->used += n + 1;
	return d;
}

static char *
arena_strdup(struct form *f, const char *s)
{
	return arena_strndup(f, s, strlen(s));
}

static bool
set_str(struct parser *p, char **dst, const char *v)
{
	*dst = arena_strdup(p->f, v);
	return *dst ? true : oom(p);
}

static bool
field_prop(struct parser *p, const char *key, const char *v)
{
	struct form_field *fd = cur_field(p);
	if (KEY_IS(key, "type")) {
		char word[32];
		const char *arg = v;
		size_t n = strcspn(v, " \t");
		if (n >= sizeof word)
			n = sizeof word - 1;
		memcpy(word, v, n);
		word[n] = '\0';
		arg = v + n;
		while (*arg == ' ' || *arg == '\t')
			arg++;
		fd->type = 0;
		for (size_t i = 0; i < NTYPES; i++)
			if (KEY_IS(types[i].name, word))
				fd->type = types[i].type;
		if (!fd->type)
			return fail(p, p->line,
			            _("unknown field type \"%s\" (known: text, note, integer, decimal, "
			              "date, select_one, select_multiple, yesno, idnum, phone, "
			              "reference, references, amounts, calculate)"), word);
		/* a block that changes an included field may change its type too */
		fd->choices_name = NULL;
		fd->ref_kind = 0;
		fd->ref_level = 0;
		if (fd->type == FT_SELECT_ONE || fd->type == FT_SELECT_MULTIPLE) {
			if (!*arg)
				return fail(p, p->line, _("%s needs the name of its choice list"), word);
			return set_str(p, &fd->choices_name, arg);
		}
		if (fd->type == FT_REFERENCE || fd->type == FT_REFERENCES || fd->type == FT_AMOUNTS) {
			fd->ref_kind = rec_kind_from_name(arg);
			/* "reference village": a unit, and only of that level */
			for (int l = UNIT_COUNTY; !fd->ref_kind && fd->type == FT_REFERENCE &&
			                          l <= UNIT_VILLAGE; l++)
				if (strcmp(arg, orgunit_level_name(l)) == 0) {
					fd->ref_kind = REC_UNIT;
					fd->ref_level = l;
				}
			if (!fd->ref_kind)
				return fail(p, p->line,
				            _("%s needs a kind of record (resident, need, "
				              "volunteer, organisation, resource, unit ...), not \"%s\""),
				            word, arg);
			return true;
		}
		if (*arg)
			return fail(p, p->line, _("the type %s takes nothing after it"), word);
		return true;
	}
	if (KEY_IS(key, "label"))
		return set_str(p, &fd->label, v);
	if (KEY_IS(key, "hint"))
		return set_str(p, &fd->hint, v);
	if (KEY_IS(key, "required"))
		return parse_yesno(p, v, &fd->required);
	if (KEY_IS(key, "sensitive"))
		return parse_yesno(p, v, &fd->sensitive);
	if (KEY_IS(key, "readonly"))
		return parse_yesno(p, v, &fd->readonly);
	if (KEY_IS(key, "length")) {
		double lo, hi;
		if (!parse_range(p, v, &lo, &hi))
			return false;
		if (hi < 0)
			return fail(p, p->line, _("the length %s is empty: a length counts characters, "
			                          "0 or more"), v);
		/* beyond a billion characters is no limit: and (long)1e30 is undefined */
		fd->has_len = true;
		fd->minlen = lo < 0 ? 0 : lo > 1e9 ? 1000000000L : (long)lo;
		fd->maxlen = hi > 1e9 ? 1000000000L : (long)hi;
		return true;
	}
	if (KEY_IS(key, "range")) {
		fd->has_range = true;
		return parse_range(p, v, &fd->min, &fd->max);
	}
	if (KEY_IS(key, "pattern")) {
		if (!set_str(p, &fd->pattern, v))
			return false;
		/* a second pattern (or a form's block changing an included
		 * field's) replaces the first: free what that compiled */
		if (fd->has_re) {
			regfree(&fd->re);
			fd->has_re = false;
		}
		const char *scan = v;
		struct pattern_cost cost = pattern_cost(&scan, 0);
		/* a ')' that closes no '(' would close the "^(" put around the
		 * pattern below: the rest would be outside it, unanchored, and
		 * the cost above counted on the wrong groups */
		if (*scan == ')' && !pattern_too_costly(&cost))
			return fail(p, p->line, _("the pattern \"%s\" is not a valid regular expression"), v);
		if (cost.empty_repeat)
			return fail(p, p->line,
			            _("the pattern \"%s\" repeats something that can match nothing "
			              "(like a* or a? inside a repetition): write it so that what "
			              "repeats takes at least one character"), v);
		if (pattern_too_costly(&cost))
			return fail(p, p->line,
			            _("the pattern \"%s\" repeats too much (repetitions inside "
			              "repetitions): write it more simply"), v);
		char *anch;
		if (asprintf(&anch, "^(%s)$", v) < 0)
			return oom(p);
		int rc = regcomp(&fd->re, anch, REG_EXTENDED | REG_NOSUB);
		free(anch);
		if (rc)
			return fail(p, p->line, _("the pattern \"%s\" is not a valid regular expression"), v);
		fd->has_re = true;
		return true;
	}
	if (KEY_IS(key, "default"))
		return set_str(p, &fd->dflt, v);
	if (KEY_IS(key, "carry"))
		return set_str(p, &fd->carry, v);
	if (KEY_IS(key, "choices_by"))
		return set_str(p, &fd->choices_by, v);
	if (KEY_IS(key, "calculation")) {
		/* FUNC(FIELD) */
		const char *open = strchr(v, '(');
		size_t vl = strlen(v);
		if (!open || vl < 3 || v[vl - 1] != ')')
			return fail(p, p->line, _("a calculation is written like age(idnum), not \"%s\""), v);
		bool known = false;
		for (size_t i = 0; i < NELEM(calcs); i++)
			if ((size_t)(open - v) == strlen(calcs[i]) && strncmp(v, calcs[i], strlen(calcs[i])) == 0)
				known = true;
		if (!known)
			return fail(p, p->line, _("unknown calculation \"%s\" (known: age, sex, birth)"), v);
		fd->calc = arena_strndup(p->f, v, (size_t)(open - v));
		fd->calc_arg = arena_strndup(p->f, open + 1, vl - (size_t)(open - v) - 2);
		return fd->calc && fd->calc_arg ? true : oom(p);
	}
	if (KEY_IS(key, "relevant")) {
		/* FIELD = VALUE | FIELD != VALUE | FIELD contains VALUE | FIELD set */
		char fname[64], op[16];
		int used = 0;
		if (sscanf(v, "%63s %15s %n", fname, op, &used) < 2)
			return fail(p, p->line,
			            _("\"relevant\" is written FIELD = VALUE, FIELD != VALUE, "
			              "FIELD contains VALUE or FIELD set"));
		static const struct {
			const char *op;
			enum rel_op rel;
		} ops[] = {{"=", REL_EQ}, {"!=", REL_NE}, {"contains", REL_CONTAINS}, {"set", REL_SET}};
		fd->rel_op = REL_NONE;
		for (size_t i = 0; i < NELEM(ops); i++)
			if (strcmp(op, ops[i].op) == 0)
				fd->rel_op = ops[i].rel;
		if (!fd->rel_op)
			return fail(p, p->line, _("unknown comparison \"%s\" in \"relevant\" (use =, !=, contains or set)"), op);
		const char *val = v + used;
		if ((fd->rel_op == REL_SET) != (*val == '\0'))
			return fail(p, p->line, fd->rel_op == REL_SET ?
			            _("\"set\" takes no value after it") :
			            _("\"relevant\" needs a value to compare with"));
		return set_str(p, &fd->rel_field, fname) && set_str(p, &fd->rel_value, val);
	}
	return fail(p, p->line,
	            _("unknown property \"%s\" (known: type, label, hint, required, length, range, "
	              "pattern, default, relevant, calculation, choices_by, carry, sensitive, readonly)"), key);
}

static bool
choice_item(struct parser *p, const char *value, const char *label)
{
	struct form_choices *c = cur_choices(p);
	if (!*label)
		return fail(p, p->line, _("the choice \"%s\" needs a label after its value"), value);
	if (strchr(value, ','))
		return fail(p, p->line, _("a choice value may not contain a comma: \"%s\""), value);
	for (size_t i = 0; i < c->n; i++)
		if (KEY_IS(c->items[i].value, value))
			return fail(p, p->line, _("the choice value \"%s\" is in the list twice"), value);
	if (c->n == p->icap) {
		size_t cap = p->icap ? 2 * p->icap : 8;
		struct form_choice *ni = realloc(c->items, cap * sizeof *ni);
		if (!ni)
			return oom(p);
		c->items = ni;
		p->icap = cap;
	}
	c->items[c->n].value = arena_strdup(p->f, value);
	c->items[c->n].label = arena_strdup(p->f, label);
	c->n++;
	return c->items[c->n - 1].value && c->items[c->n - 1].label ? true : oom(p);
}

static const struct form_choices *
find_choices(const struct form *f, const char *name)
{
	if (!f)
		return NULL;
	for (size_t i = 0; i < f->nchoices; i++)
		if (KEY_IS(f->choices[i].name, name))
			return &f->choices[i];
	return NULL;
}

const struct form_choices *
form_choices_by(const struct form *f, const struct formset *fs, const struct form_field *fd,
                const char *code)
{
	char name[128];
	if (!fd->choices_by || !code || !*code ||
	    (size_t)snprintf(name, sizeof name, "%s_%s", fd->name, code) >= sizeof name)
		return NULL;
	const struct form_choices *c = find_choices(f, name);
	return c ? c : fs ? find_choices(fs->shared, name) : NULL;
}

/* Room for one more field in f->fields, p->fsrc and p->aline. */
static bool
room_for_field(struct parser *p)
{
	struct form *f = p->f;
	if (f->nfields < p->fcap)
		return true;
	size_t cap = p->fcap ? 2 * p->fcap : 16;
	struct form_field *nf = realloc(f->fields, cap * sizeof *nf);
	if (!nf)
		return false;
	f->fields = nf;
	const char **ns = realloc(p->fsrc, cap * sizeof *ns);
	if (!ns)
		return false;
	p->fsrc = ns;
	int *na = realloc(p->aline, cap * sizeof *na);
	if (!na)
		return false;
	p->aline = na;
	p->fcap = cap;
	return true;
}

static bool
field_directive(struct parser *p, const char *v)
{
	struct form *f = p->f;
	if (!valid_name(v))
		return fail(p, p->line, _("a field name is lowercase letters, digits and _, not \"%s\""), v);
	const struct form_field *old = form_field(f, v);
	if (old) {
		/* The form's own block for a field an included file brought in
		 * changes that field (e.g. gives it this form's default). */
		size_t i = (size_t)(old - f->fields);
		if (p->incpath || !p->fsrc[i] || p->aline[i])
			return fail(p, p->line, _("the field \"%s\" is defined twice"), v);
		p->aline[i] = p->line;
		p->cur = i;
		p->block = B_FIELD;
		return true;
	}
	if (!room_for_field(p))
		return oom(p);
	memset(&f->fields[f->nfields], 0, sizeof f->fields[0]);
	f->fields[f->nfields].name = arena_strdup(f, v);
	f->fields[f->nfields].line = p->line;
	p->fsrc[f->nfields] = p->incpath;
	p->aline[f->nfields] = 0;
	p->cur = f->nfields;
	f->nfields++;
	p->block = B_FIELD;
	return cur_field(p)->name ? true : oom(p);
}

static char *slurp(const char *path, struct form_error *err);
static bool parse_lines(struct parser *p, const char *text);

/* *out: a copy of in with its strings in dst's arena and its pattern
 * compiled again (a regex_t cannot be copied).  False when out of memory. */
static bool
copy_field(struct form *dst, struct form_field *out, const struct form_field *in)
{
	*out = *in;
	out->has_re = false;
	char **strs[] = {&out->name,      &out->label,     &out->hint,     &out->pattern,
	                 &out->dflt,      &out->calc,      &out->calc_arg, &out->rel_field,
	                 &out->rel_value, &out->choices_name, &out->carry, &out->choices_by};
	for (size_t i = 0; i < NELEM(strs); i++)
		if (*strs[i] && !(*strs[i] = arena_strdup(dst, *strs[i])))
			return false;
	if (in->has_re) {
		char *anch;
		if (asprintf(&anch, "^(%s)$", in->pattern) < 0)
			return false;
		int rc = regcomp(&out->re, anch, REG_EXTENDED | REG_NOSUB);
		free(anch);
		if (rc)
			return false;
		out->has_re = true;
	}
	return true;
}

/* *out: a copy of the choice list in, its strings in dst's arena. */
static bool
copy_choices(struct form *dst, struct form_choices *out, const struct form_choices *in)
{
	*out = *in;
	out->items = malloc(in->n * sizeof *out->items);
	if (!out->items || !(out->name = arena_strdup(dst, in->name))) {
		free(out->items);
		out->items = NULL;
		out->n = 0;
		return false;
	}
	for (size_t i = 0; i < in->n; i++) {
		out->items[i].value = arena_strdup(dst, in->items[i].value);
		out->items[i].label = arena_strdup(dst, in->items[i].label);
		if (!out->items[i].value || !out->items[i].label)
			return false;
	}
	return true;
}

/* Keep what the included file at path brought into p->f (its fields from
 * nf0, its choice lists from nc0) for the next form that includes it. */
static void
cache_include(struct parser *p, const char *path, size_t nf0, size_t nc0)
{
	struct inc_cache *c = p->cache;
	struct form *f = p->f, *t = calloc(1, sizeof *t);
	struct inc_entry *ne = t ? realloc(c->e, (c->n + 1) * sizeof *ne) : NULL;
	if (ne)
		c->e = ne;
	bool ok = ne && (t->fields = calloc(f->nfields - nf0 + 1, sizeof *t->fields)) &&
	          (t->choices = calloc(f->nchoices - nc0 + 1, sizeof *t->choices));
	for (size_t i = nf0; ok && i < f->nfields; i++)
		ok = copy_field(t, &t->fields[t->nfields++], &f->fields[i]);
	for (size_t i = nc0; ok && i < f->nchoices; i++)
		ok = copy_choices(t, &t->choices[t->nchoices++], &f->choices[i]);
	char *key = ok ? strdup(path) : NULL;
	if (!key) {
		/* not kept: the next form reads the file again */
		form_free(t);
		return;
	}
	c->e[c->n++] = (struct inc_entry){key, t};
}

/* The included file at path as cache_include kept it, when it brings
 * nothing p->f already has (else the file is read again, which says
 * what is defined twice, where); NULL if not kept. */
static const struct form *
cached_include(struct parser *p, const char *path)
{
	const struct form *t = NULL, *f = p->f;
	for (size_t i = 0; p->cache && i < p->cache->n && !t; i++)
		if (strcmp(p->cache->e[i].path, path) == 0)
			t = p->cache->e[i].tmpl;
	for (size_t i = 0; t && i < t->nfields; i++)
		if (form_field(f, t->fields[i].name))
			return NULL;
	for (size_t i = 0; t && i < t->nchoices; i++)
		if (find_choices(f, t->choices[i].name))
			return NULL;
	return t;
}

/* What an included file kept in the cache brings, added to p->f as
 * reading it would have added it. */
static bool
use_include(struct parser *p, const struct form *t, const char *path)
{
	struct form *f = p->f;
	for (size_t i = 0; i < t->nfields; i++) {
		if (!room_for_field(p) || !copy_field(f, &f->fields[f->nfields], &t->fields[i]))
			return oom(p);
		p->fsrc[f->nfields] = path;
		p->aline[f->nfields] = 0;
		f->nfields++;
	}
	for (size_t i = 0; i < t->nchoices; i++) {
		if (f->nchoices == p->ccap) {
			size_t cap = p->ccap ? 2 * p->ccap : 8;
			struct form_choices *nc = realloc(f->choices, cap * sizeof *nc);
			if (!nc)
				return oom(p);
			f->choices = nc;
			p->ccap = cap;
		}
		bool ok = copy_choices(f, &f->choices[f->nchoices], &t->choices[i]);
		/* a list half copied is freed with the form */
		if (f->choices[f->nchoices].items)
			f->nchoices++;
		if (!ok)
			return oom(p);
	}
	return true;
}

static void
inc_cache_free(struct inc_cache *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->e[i].path);
		form_free(c->e[i].tmpl);
	}
	free(c->e);
}

/* "include NAME": the field blocks (and choice lists) of DIR/NAME.fields,
 * here.  Faults inside it are reported with its own name and lines. */
static bool
include_directive(struct parser *p, const char *v)
{
	p->block = B_TOP;
	if (!valid_name(v))
		return fail(p, p->line, _("include names a file of fields: lowercase letters, digits "
		                          "and _, not \"%s\""), v);
	char **ni = realloc(p->incs, (p->nincs + 1) * sizeof *ni);
	if (!ni)
		return oom(p);
	p->incs = ni;
	if (asprintf(&p->incs[p->nincs], "%s/%s.fields", p->dir, v) < 0)
		return oom(p);
	const char *path = p->incs[p->nincs++];
	const struct form *kept = cached_include(p, path);
	if (kept)
		return use_include(p, kept, path);
	struct form_error rerr;
	memset(&rerr, 0, sizeof rerr);
	char *text = slurp(path, &rerr);
	if (!text)
		return fail(p, p->line, _("the included file \"%s\" cannot be read: %s"), path,
		            rerr.msg[0] ? rerr.msg : _("out of memory"));
	struct form *f = p->f;
	size_t nf0 = f->nfields, nc0 = f->nchoices;
	int line = p->line;
	p->incpath = path;
	snprintf(p->err->file, sizeof p->err->file, "%s", path);
	bool ok = parse_lines(p, text);
	free(text);
	/* its blocks are whole by its end: name the fault there, not in the form */
	for (size_t i = nc0; ok && i < f->nchoices; i++)
		if (f->choices[i].n == 0)
			ok = fail(p, f->choices[i].line, _("the choice list \"%s\" has no choices"),
			          f->choices[i].name);
	for (size_t i = nf0; ok && i < f->nfields; i++) {
		if (!f->fields[i].type)
			ok = fail(p, f->fields[i].line, _("the field \"%s\" has no type"), f->fields[i].name);
		else if (!f->fields[i].label)
			ok = fail(p, f->fields[i].line, _("the field \"%s\" has no label"), f->fields[i].name);
	}
	if (!ok)
		return false;
	if (p->cache)
		cache_include(p, path, nf0, nc0);
	p->incpath = NULL;
	snprintf(p->err->file, sizeof p->err->file, "%s", f->path);
	p->line = line;
	p->block = B_TOP;
	return true;
}

/* "retired NAME LABEL": a field taken out of the form, which old records
 * still hold, and the label they show it by. */
static bool
retired_directive(struct parser *p, const char *v)
{
	struct form *f = p->f;
	size_t n = strcspn(v, " \t");
	const char *label = v + n + strspn(v + n, " \t");
	char *name = arena_strndup(f, v, n);
	if (!name)
		return oom(p);
	if (!valid_name(name) || !*label) {
		return fail(p, p->line, "%s",
		            _("a retired field is \"retired NAME LABEL\": its name as old records "
		              "hold it, then the label to show it by"));
	}
	for (size_t i = 0; i < f->nretired; i++)
		if (strcmp(f->retired[i].name, name) == 0) {
			return fail(p, p->line, _("the retired field \"%s\" is named twice"),
			            f->retired[i].name);
		}
	struct form_retired *nr = realloc(f->retired, (f->nretired + 1) * sizeof *nr);
	if (!nr)
		return oom(p);
	f->retired = nr;
	f->retired[f->nretired++] = (struct form_retired){name, arena_strdup(f, label), p->line};
	return f->retired[f->nretired - 1].label ? true : oom(p);
}

static bool
top_directive(struct parser *p, const char *key, const char *v)
{
	struct form *f = p->f;
	if (KEY_IS(key, "choices")) {
		if (!valid_name(v))
			return fail(p, p->line, _("a choice list name is lowercase letters, digits and _, not \"%s\""), v);
		if (find_choices(f, v))
			return fail(p, p->line, _("the choice list \"%s\" is defined twice"), v);
		if (f->nchoices == p->ccap) {
			size_t cap = p->ccap ? 2 * p->ccap : 8;
			struct form_choices *nc = realloc(f->choices, cap * sizeof *nc);
			if (!nc)
				return oom(p);
			f->choices = nc;
			p->ccap = cap;
		}
		p->icap = 0;
		f->choices[f->nchoices++] = (struct form_choices){arena_strdup(f, v), 0, NULL, p->line};
		p->block = B_CHOICES;
		return f->choices[f->nchoices - 1].name ? true : oom(p);
	}
	if (p->shared_only)
		return fail(p, p->line, _("this file holds shared choice lists only: \"%s\" does not belong here"), key);
	if (KEY_IS(key, "field"))
		return field_directive(p, v);
	if (p->incpath)
		return fail(p, p->line, _("an included file holds only \"field\" and \"choices\" "
		                          "blocks: \"%s\" does not belong here"), key);
	if (KEY_IS(key, "include"))
		return include_directive(p, v);
	p->block = B_TOP;
	if (KEY_IS(key, "form")) {
		if (!valid_name(v))
			return fail(p, p->line, _("a form name is lowercase letters, digits and _, not \"%s\""), v);
		return set_str(p, &f->name, v);
	}
	if (KEY_IS(key, "title"))
		return set_str(p, &f->title, v);
	if (KEY_IS(key, "kind")) {
		f->kind = rec_kind_from_name(v);
		return f->kind ? true : fail(p, p->line, _("unknown kind of record \"%s\""), v);
	}
	if (KEY_IS(key, "version")) {
		char *end;
		long n = strtol(v, &end, 10);
		if (*end || n < 1 || n > 1000000)
			return fail(p, p->line, _("the version is a whole number from 1 up, not \"%s\""), v);
		f->version = (unsigned)n;
		return true;
	}
	if (KEY_IS(key, "list")) {
		p->listline = p->line;
		return set_str(p, &p->listspec, v);
	}
	if (KEY_IS(key, "retired"))
		return retired_directive(p, v);
	return fail(p, p->line,
	            _("unknown directive \"%s\" (known: form, title, kind, version, list, include, "
	              "choices, field, retired)"),
	            key);
}

/* A select_one's default that is one of its values as written, with no
 * length or pattern on the field: what form_check_value would accept
 * without asking it (it asks gettext for the labels of the choices
 * before the one that matches, for each form at every start). */
static bool
default_is_choice(const struct form_field *fd)
{
	if (fd->type != FT_SELECT_ONE || fd->has_len || fd->has_re || !fd->choices)
		return false;
	for (size_t i = 0; i < fd->choices->n; i++)
		if (KEY_IS(fd->choices->items[i].value, fd->dflt))
			return true;
	return false;
}

/* After the last line: everything named exists, everything needed is there. */
static bool
finish(struct parser *p)
{
	struct form *f = p->f;
	for (size_t i = 0; i < f->nchoices; i++)
		if (f->choices[i].n == 0)
			return fail(p, f->choices[i].line, _("the choice list \"%s\" has no choices"),
			            f->choices[i].name);
	if (p->shared_only)
		return true;
	if (!f->name)
		return fail(p, 1, "%s", _("the form has no \"form NAME\" line"));
	if (!f->kind)
		return fail(p, 1, "%s", _("the form has no \"kind\" line (resident, need, ...)"));
	if (!f->version)
		return fail(p, 1, "%s", _("the form has no \"version\" line"));
	if (!f->title)
		return fail(p, 1, "%s", _("the form has no \"title\" line"));
	if (!f->nfields)
		return fail(p, 1, "%s", _("the form has no fields"));
	for (size_t i = 0; i < f->nfields; i++) {
		struct form_field *fd = &f->fields[i];
		if (!fd->type)
			return fail(p, field_where(p, fd, false), _("the field \"%s\" has no type"),
			            fd->name);
		if (!fd->label)
			return fail(p, field_where(p, fd, false), _("the field \"%s\" has no label"),
			            fd->name);
		if (fd->choices_name) {
			fd->choices = find_choices(f, fd->choices_name);
			if (!fd->choices)
				fd->choices = find_choices(p->shared, fd->choices_name);
			if (!fd->choices)
				return fail(p, field_where(p, fd, false),
				            _("the field \"%s\" names the choice list \"%s\", "
				              "which is not defined"), fd->name, fd->choices_name);
		}
		if (fd->choices_by) {
			const struct form_field *by = form_field(f, fd->choices_by);
			if (!by || by->type != FT_REFERENCE || by->ref_kind != REC_UNIT)
				return fail(p, field_where(p, fd, false),
				            _("\"choices_by\" of \"%s\" names \"%s\", which is not a "
				              "village field of the form"), fd->name, fd->choices_by);
			if (fd->type != FT_TEXT)
				return fail(p, field_where(p, fd, false),
				            _("\"choices_by\" is for a text field: \"%s\" is not one"),
				            fd->name);
		}
		if (fd->type == FT_CALCULATE && !fd->calc)
			return fail(p, field_where(p, fd, false),
			            _("the calculated field \"%s\" has no calculation"), fd->name);
		if (fd->calc) {
			const struct form_field *arg = form_field(f, fd->calc_arg);
			if (!arg || arg->type != FT_IDNUM)
				return fail(p, field_where(p, fd, false),
				            _("the calculation of \"%s\" needs an ID number "
				              "field, and \"%s\" is not one"), fd->name, fd->calc_arg);
			/* on a field that is typed: filled from the ID number and
			 * checked against it, so only what such a field can hold */
			bool fits = fd->type == FT_CALCULATE ||
			            (strcmp(fd->calc, "sex") == 0 && fd->type == FT_SELECT_ONE) ||
			            (strcmp(fd->calc, "birth") == 0 && fd->type == FT_DATE);
			if (!fits)
				return fail(p, field_where(p, fd, false),
				            _("the field \"%s\" cannot be filled by %s(): sex() fills a "
				              "choice list of sexes, birth() a date"), fd->name, fd->calc);
		}
		if (fd->rel_field) {
			const struct form_field *rf = form_field(f, fd->rel_field);
			if (!rf || rf == fd)
				return fail(p, field_where(p, fd, false),
				            _("\"relevant\" of \"%s\" names the field \"%s\", "
				              "which is not in the form"), fd->name, fd->rel_field);
		}
		if (fd->dflt && fd->type != FT_CALCULATE && strcmp(fd->dflt, "today") != 0 &&
		    strcmp(fd->dflt, "worker") != 0 && strcmp(fd->dflt, "village") != 0 &&
		    !default_is_choice(fd)) {
			char *norm = NULL, buf[160];
			const char *why = form_check_value(fd, fd->dflt, &norm, buf, sizeof buf);
			free(norm);
			if (why)
				return fail(p, field_where(p, fd, true),
				            _("the default of \"%s\" breaks its own rule: %s"), fd->name, why);
		}
	}
	for (size_t i = 0; i < f->nretired; i++)
		if (form_field(f, f->retired[i].name))
			return fail(p, f->retired[i].line,
			            _("\"%s\" is retired but is a field of the form: take out one "
			              "or the other"), f->retired[i].name);
	/* the list columns: named fields, or the first few */
	if (p->listspec) {
		char *spec = p->listspec, *save = NULL;
		for (char *w = strtok_r(spec, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
			const struct form_field *fd = form_field(f, w);
			if (!fd)
				return fail(p, p->listline, _("the list names the field \"%s\", which is not in the form"), w);
			size_t *nl = realloc(f->list, (f->nlist + 1) * sizeof *nl);
			if (!nl)
				return oom(p);
			f->list = nl;
			f->list[f->nlist++] = (size_t)(fd - f->fields);
		}
	}
	if (!f->nlist) {
		size_t n = f->nfields < 4 ? f->nfields : 4;
		f->list = calloc(n, sizeof *f->list);
		if (!f->list)
			return oom(p);
		for (size_t i = 0; i < n; i++)
			f->list[i] = i;
		f->nlist = n;
	}
	return true;
}

/* The lines of one file (the form's own, or one it includes) into p. */
static bool
parse_lines(struct parser *p, const char *text)
{
	size_t bad;
	if (!text_utf8_valid(text, strlen(text), &bad)) {
		int line = 1;
		for (size_t i = 0; i < bad; i++)
			line += text[i] == '\n';
		return fail(p, line, "%s", _("the file is not UTF-8 (save it as UTF-8 in your editor)"));
	}
	char *copy = strdup(text);
	if (!copy)
		return oom(p);
	bool ok = true;
	char *save = NULL;
	int lineno = 0;
	p->block = B_TOP;
	for (char *s = copy; ok && s; s = save) {
		save = strchr(s, '\n');
		char *end = save ? save : s + strlen(s);
		if (save)
			*save++ = '\0';
		p->line = ++lineno;
		bool indented = *s == ' ' || *s == '\t';
		/* the line without the blanks around it (trim, knowing its end) */
		char *line = s;
		while (*line == ' ' || *line == '\t')
			line++;
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!*line || *line == '#')
			continue;
		/* the key, then the value without the blanks before it (those
		 * after it went with the line's) */
		char *key = line, *val = line;
		while (*val && *val != ' ' && *val != '\t')
			val++;
		if (*val)
			*val++ = '\0';
		while (*val == ' ' || *val == '\t')
			val++;
		if (!indented) {
			ok = top_directive(p, key, val);
		} else if (p->block == B_FIELD) {
			ok = field_prop(p, key, val);
		} else if (p->block == B_CHOICES) {
			ok = choice_item(p, key, val);
		} else {
			ok = fail(p, p->line, "%s", _("an indented line must belong to a \"field\" or \"choices\" block"));
		}
	}
	free(copy);
	return ok;
}

static struct form *
parse(const char *text, const char *path, const char *dir, const struct form *shared,
      bool shared_only, struct inc_cache *cache, struct form_error *err)
{
	memset(err, 0, sizeof *err);
	snprintf(err->file, sizeof err->file, "%s", path ? path : "-");
	struct form *f = calloc(1, sizeof *f);
	if (f)
		f->path = arena_strdup(f, path ? path : "-");
	if (!f || !f->path) {
		form_free(f);
		snprintf(err->msg, sizeof err->msg, "%s", _("out of memory"));
		return NULL;
	}
	struct parser p = {.f = f, .shared = shared, .shared_only = shared_only, .dir = dir,
	                   .err = err, .cache = cache};
	bool ok = parse_lines(&p, text);
	if (ok)
		ok = finish(&p);
	/* p.listspec is in the form's arena */
	free((void *)p.fsrc);
	free(p.aline);
	for (size_t i = 0; i < p.nincs; i++)
		free(p.incs[i]);
	free(p.incs);
	if (!ok) {
		form_free(f);
		return NULL;
	}
	return f;
}

/* "include NAME" reads NAME.fields from the folder of path (as a C
 * compiler finds #include "x" beside the file), so formset_load's forms
 * find theirs in the forms folder; a path without a folder reads from
 * the current one. */
static struct form *
parse_form(const char *text, const char *path, const struct form *shared,
           struct inc_cache *cache, struct form_error *err)
{
	char *dir = NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (slash) {
		dir = strndup(path, slash == path ? 1 : (size_t)(slash - path));
		if (!dir) {
			memset(err, 0, sizeof *err);
			snprintf(err->file, sizeof err->file, "%s", path);
			snprintf(err->msg, sizeof err->msg, "%s", _("out of memory"));
			return NULL;
		}
	}
	struct form *f = parse(text, path, dir ? dir : ".", shared, false, cache, err);
	free(dir);
	return f;
}

struct form *
form_parse(const char *text, const char *path, const struct form *shared, struct form_error *err)
{
	return parse_form(text, path, shared, NULL, err);
}

void
form_free(struct form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->nfields; i++)
		if (f->fields[i].has_re)
			regfree(&f->fields[i].re);
	free(f->fields);
	for (size_t i = 0; i < f->nchoices; i++)
		free(f->choices[i].items);
	free(f->choices);
	free(f->retired);
	free(f->list);
	for (struct form_arena *a = f->arena, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	free(f);
}

const struct form_field *
form_field(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->nfields; i++)
		if (KEY_IS(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

const char *
form_choice_label(const struct form_field *fd, const char *value)
{
	if (fd->choices)
		for (size_t i = 0; i < fd->choices->n; i++)
			if (strcmp(fd->choices->items[i].value, value) == 0)
				return _(fd->choices->items[i].label);
	return value;
}

/* --- a folder of forms ------------------------------------------------------ */

static char *
slurp(const char *path, struct form_error *err)
{
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		snprintf(err->file, sizeof err->file, "%s", path);
		snprintf(err->msg, sizeof err->msg, "%s", strerror(errno));
		return NULL;
	}
	struct strbuf b = {0};
	bool read = sb_read(&b, fp, SIZE_MAX / 4);
	int e = errno;
	fclose(fp);
	size_t len = b.len;
	char *buf = sb_detach(&b);
	if (!read) {
		snprintf(err->file, sizeof err->file, "%s", path);
		snprintf(err->msg, sizeof err->msg, "%s", strerror(e ? e : ENOMEM));
		return NULL;
	}
	if (memchr(buf, '\0', len)) {
		snprintf(err->file, sizeof err->file, "%s", path);
		snprintf(err->msg, sizeof err->msg, "%s", _("the file holds NUL bytes: it is not a text file"));
		free(buf);
		return NULL;
	}
	return buf;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The choice a form fixes: its first select_one field that is readonly
 * with a default of its list (the service forms' function).  Returns the
 * default's place in the list, *list the list; or SIZE_MAX. */
static size_t
fixed_rank(const struct form *f, const struct form_choices **list)
{
	for (size_t i = 0; i < f->nfields; i++) {
		const struct form_field *fd = &f->fields[i];
		if (fd->type != FT_SELECT_ONE || !fd->readonly || !fd->dflt || !fd->choices)
			continue;
		for (size_t k = 0; k < fd->choices->n; k++)
			if (strcmp(fd->choices->items[k].value, fd->dflt) == 0) {
				*list = fd->choices;
				return k;
			}
	}
	return SIZE_MAX;
}

/* Forms of one kind that each fix a choice of the same list come in that
 * list's order, in the places their file names gave them: the six service
 * forms in the order of "choices service" (the notice's: assessment,
 * assistance, care, governance, resources, livelihood), so the chooser of
 * a new service numbers them as the needs', volunteers' and reports'
 * lists do, not by file name. */
static void
order_fixed(struct formset *fs)
{
	for (size_t i = 0; i < fs->nforms; i++) {
		const struct form_choices *li = NULL;
		size_t ri = fixed_rank(fs->forms[i], &li);
		for (size_t j = i + 1; ri != SIZE_MAX && j < fs->nforms; j++) {
			const struct form_choices *lj = NULL;
			size_t rj = fixed_rank(fs->forms[j], &lj);
			if (rj < ri && fs->forms[j]->kind == fs->forms[i]->kind &&
			    strcmp(lj->name, li->name) == 0) {
				struct form *tmp = fs->forms[i];
				fs->forms[i] = fs->forms[j];
				fs->forms[j] = tmp;
				ri = rj;
				li = lj;
			}
		}
	}
}

struct formset *
formset_load(const char *dir, struct form_error *err)
{
	memset(err, 0, sizeof *err);
	struct formset *fs = calloc(1, sizeof *fs);
	if (!fs)
		return NULL;
	char *path;
	if (asprintf(&path, "%s/choices", dir) < 0) {
		free(fs);
		return NULL;
	}
	FILE *probe = fopen(path, "rb");
	if (probe) {
		fclose(probe);
		char *text = slurp(path, err);
		if (text)
			fs->shared = parse(text, path, NULL, NULL, true, NULL, err);
		free(text);
		if (!fs->shared) {
			free(path);
			formset_free(fs);
			return NULL;
		}
	}
	free(path);
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(err->file, sizeof err->file, "%s", dir);
		snprintf(err->msg, sizeof err->msg, "%s", strerror(errno));
		formset_free(fs);
		return NULL;
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".form") == 0 && e->d_name[0] != '.') {
			char **nn = realloc(names, (n + 1) * sizeof *nn);
			if (!nn)
				break;
			names = nn;
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	bool ok = true;
	struct inc_cache cache = {0, NULL};
	for (size_t i = 0; i < n; i++) {
		if (!ok || !names[i]) {
			free(names[i]);
			continue;
		}
		if (asprintf(&path, "%s/%s", dir, names[i]) < 0) {
			ok = false;
			free(names[i]);
			continue;
		}
		char *text = slurp(path, err);
		struct form *f = text ? parse_form(text, path, fs->shared, &cache, err) : NULL;
		free(text);
		if (f) {
			/* the file's name is the form's name, so nothing is found twice */
			size_t nl = strlen(names[i]) - 5;
			if (strlen(f->name) != nl || strncmp(f->name, names[i], nl) != 0) {
				snprintf(err->file, sizeof err->file, "%s", path);
				err->line = 1;
				snprintf(err->msg, sizeof err->msg,
				         _("the form is called \"%s\" but its file \"%s\": make them the same"),
				         f->name, names[i]);
				form_free(f);
				f = NULL;
			}
		}
		free(path);
		if (f) {
			struct form **nf = realloc(fs->forms, (fs->nforms + 1) * sizeof *nf);
			if (nf) {
				fs->forms = nf;
				fs->forms[fs->nforms++] = f;
			} else {
				form_free(f);
				ok = false;
			}
		} else {
			ok = false;
		}
		free(names[i]);
	}
	free(names);
	inc_cache_free(&cache);
	if (!ok) {
		formset_free(fs);
		return NULL;
	}
	order_fixed(fs);
	return fs;
}

void
formset_free(struct formset *fs)
{
	if (!fs)
		return;
	for (size_t i = 0; i < fs->nforms; i++)
		form_free(fs->forms[i]);
	free(fs->forms);
	form_free(fs->shared);
	free(fs);
}

struct form *
formset_find(const struct formset *fs, const char *name)
{
	for (size_t i = 0; i < fs->nforms; i++)
		if (strcmp(fs->forms[i]->name, name) == 0)
			return fs->forms[i];
	return NULL;
}

struct form *
formset_for_kind(const struct formset *fs, int kind)
{
	for (size_t i = 0; i < fs->nforms; i++)
		if (fs->forms[i]->kind == kind)
			return fs->forms[i];
	return NULL;
}

struct form *
formset_for_record(const struct formset *fs, const record *r)
{
	/* a "_form" naming a form of another kind is not trusted */
	const char *name = record_get(r, "_form");
	struct form *f = name ? formset_find(fs, name) : NULL;
	if (f && f->kind == r->id.kind)
		return f;
	return formset_for_kind(fs, r->id.kind);
}
