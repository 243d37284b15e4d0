/* bench/sqlite.c: the peer a township's developer could have picked
 * instead of LMDB, doing the work of `shegong import resident` and of a
 * save, in SQLite (WAL, synchronous=FULL), for bench-all to put beside
 * shegong's figures in the same run.
 *   bench-sqlite plain|full CSV DB
 * reads bench-gen's GB18030 residents file (the whole file through
 * iconv, as shegong's import does, then libcsv), maps its Chinese
 * headers to the resident form's fields (the form and the zh_CN
 * catalogue read once, from $SHEGONG_FORMSDIR and $SHEGONG_LOCALEDIR),
 * checks every row as the import does (name required and at most 30
 * characters; the GB 11643 ID number with its check digit; a mobile or
 * landline phone; the choices by their Chinese labels, a table built once;
 * the village by name, looked up in the database; the ID number seen
 * before in the file or in the database: a duplicate, not saved), and
 * inserts 1,000 rows a transaction with indexes on the name, the pinyin
 * initials (its first reading, src/pinyin.c) and the ID number.  "full"
 * also does what shegong does on top: every pinyin variant (up to
 * IDX_PINYIN_VARIANTS) in a table of its own, indexes on village, status
 * and household, a SHA-256 hash-chained audit entry per record and a
 * change log of two entries per record (the change number -> the record,
 * the record -> its change number).  Then 40 single saves (a new
 * resident, the same extra work, each its own synced transaction) and a
 * 17-row search page, records fetched, for w, wj, 王 and 510421, 200
 * times each.  Prints "key value" lines (seconds, bytes, kB), read by
 * bench-all. */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "form.h"
#include "index.h"
#include "mo.h"
#include "pinyin.h"
#include "sha256.h"
#include "valid.h"

#define BATCH 1000
#define PAGE 17
#define NCOL 11

static double
now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}
static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}
static double
pct(double *a, int n, int p)
{
	qsort(a, n, sizeof *a, cmp_d);
	int i = n * p / 100;
	return a[i < n ? i : n - 1];
}

static sqlite3 *db;
static bool full;

static void
fail(const char *what)
{
	fprintf(stderr, "bench-sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	exit(1);
}
static void
exec(const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "bench-sqlite: %s: %s\n", sql, err ? err : "?");
		exit(1);
	}
}
static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK)
		fail(sql);
	return s;
}
static void
step_done(sqlite3_stmt *s, const char *what)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		fail(what);
	sqlite3_reset(s);
}

/* --- the form, read once ------------------------------------------------------- */
/* the columns a resident row fills, in the table's order */
static const char *const fields[NCOL] = {"name",      "idnum",    "sex",        "phone",
                                         "village",   "group",    "address",    "household",
                                         "relation",  "categories", "notes"};
static const struct form_field *fdef[NCOL];
/* a choice list's labels (English, Chinese, as the program shows them) and values */
struct label {
	const char *text, *value;
};
static struct label *labels[NCOL];
static size_t nlabels[NCOL];
static int colfield[64];   /* CSV column -> index in fields, or -1 */
static size_t ncols;

static void
load_form(const char *formsdir, const char *mopath)
{
	struct form_error ferr;
	struct formset *fs = formset_load(formsdir, &ferr);
	if (!fs) {
		fprintf(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		exit(1);
	}
	const struct form *f = formset_find(fs, "resident");
	struct mo mo;
	mo_load(&mo, mopath);
	for (size_t i = 0; f && i < f->nfields; i++)
		for (int k = 0; k < NCOL; k++)
			if (strcmp(f->fields[i].name, fields[k]) == 0)
				fdef[k] = &f->fields[i];
	for (int k = 0; k < NCOL; k++) {
		const struct form_field *fd = fdef[k];
		if (!fd || !fd->choices)
			continue;
		labels[k] = calloc(2 * fd->choices->n + 1, sizeof *labels[k]);
		for (size_t i = 0; i < fd->choices->n; i++) {
			const char *lab = fd->choices->items[i].label, *zh = mo_get(&mo, lab);
			labels[k][nlabels[k]++] = (struct label){lab, fd->choices->items[i].value};
			if (zh)
				labels[k][nlabels[k]++] = (struct label){strdup(zh), fd->choices->items[i].value};
		}
	}
	mo_free(&mo);
	/* fs stays loaded: fdef and labels point into it */
}

/* the value a choice cell stands for ("a,b" for several), or NULL */
static bool
choice_values(int k, const char *cell, char *out, size_t outsize)
{
	static const char *const seps[] = {",", "，", "、", ";", "；"};
	bool multi = fdef[k]->type == FT_SELECT_MULTIPLE;
	out[0] = '\0';
	const char *p = cell;
	while (*p) {
		size_t cut = strlen(p), skip = 0;
		for (size_t s = 0; multi && s < sizeof seps / sizeof *seps; s++) {
			const char *at = strstr(p, seps[s]);
			if (at && (size_t)(at - p) < cut) {
				cut = (size_t)(at - p);
				skip = strlen(seps[s]);
			}
		}
		const char *val = NULL;
		for (size_t i = 0; i < nlabels[k]; i++)
			if (strlen(labels[k][i].text) == cut && memcmp(labels[k][i].text, p, cut) == 0) {
				val = labels[k][i].value;
				break;
			}
		if (!val)
			return false;
		size_t l = strlen(out);
		snprintf(out + l, outsize - l, "%s%s", l ? "," : "", val);
		p += cut + skip;
	}
	return true;
}

/* --- ID numbers seen in the file ---------------------------------------------------- */
static char (*seen)[20];
static size_t nseen, capseen;
static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}
static bool
seen_before(const char *id)
{
	if (nseen * 2 >= capseen) {
		size_t cap = capseen ? capseen * 2 : 1024;
		char(*k)[20] = calloc(cap, sizeof *k);
		for (size_t i = 0; i < capseen; i++)
			if (seen[i][0]) {
				size_t j = hash(seen[i]) & (cap - 1);
				while (k[j][0])
					j = (j + 1) & (cap - 1);
				memcpy(k[j], seen[i], 20);
			}
		free(seen);
		seen = k;
		capseen = cap;
	}
	size_t j = hash(id) & (capseen - 1);
	while (seen[j][0]) {
		if (strcmp(seen[j], id) == 0)
			return true;
		j = (j + 1) & (capseen - 1);
	}
	snprintf(seen[j], 20, "%s", id);
	nseen++;
	return false;
}

/* --- saving ------------------------------------------------------------------------- */
static sqlite3_stmt *s_ins, *s_dup, *s_village, *s_py, *s_audit, *s_chg, *s_chgrec;
static unsigned char audit_prev[SHA256_LEN];
static sqlite3_int64 audit_seq, chg_seq;
static size_t imported, duplicates, bad, rows_in_txn;

struct py_ctx {
	sqlite3_int64 rid;
	char first[PINYIN_MAXLEN + 1];
};
static int
py_one(const char *initials, void *ctx)
{
	struct py_ctx *c = ctx;
	if (!c->first[0])
		snprintf(c->first, sizeof c->first, "%s", initials);
	if (full) {
		sqlite3_bind_text(s_py, 1, initials, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s_py, 2, c->rid);
		step_done(s_py, "pinyin");
	}
	return 0;
}

/* one checked resident (v[k] its values, NULL when empty) saved */
static void
save(const char *const v[NCOL], const char *village)
{
	struct py_ctx pc = {0};
	sqlite3_int64 rid;
	/* the row first, then its pinyin (which needs the rowid) */
	for (int k = 0; k < NCOL; k++)
		if (k == 4)
			sqlite3_bind_text(s_ins, k + 1, village, -1, SQLITE_STATIC);
		else if (v[k])
			sqlite3_bind_text(s_ins, k + 1, v[k], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(s_ins, k + 1);
	sqlite3_bind_text(s_ins, NCOL + 1, "active", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_ins, NCOL + 2, "2026-03-15 10:00:00", -1, SQLITE_STATIC);
	sqlite3_bind_text(s_ins, NCOL + 3, "bench", -1, SQLITE_STATIC);
	if (!full) {
		pinyin_each(v[0], 1, py_one, &pc);
		sqlite3_bind_text(s_ins, NCOL + 4, pc.first, -1, SQLITE_TRANSIENT);
	} else
		sqlite3_bind_null(s_ins, NCOL + 4);
	step_done(s_ins, "insert");
	rid = sqlite3_last_insert_rowid(db);
	if (!full)
		return;
	pc.rid = rid;
	pinyin_each(v[0], IDX_PINYIN_VARIANTS, py_one, &pc);
	/* the audit entry: what was saved, by whom, when, chained by SHA-256 */
	char entry[2048];
	int len = snprintf(entry, sizeof entry, "create res %lld v1 bench 2026-03-15T10:00:00 %s %s",
	                   (long long)rid, v[0], v[1] ? v[1] : "");
	unsigned char h[SHA256_LEN];
	struct sha256 sh;
	sha256_init(&sh);
	sha256_update(&sh, audit_prev, SHA256_LEN);
	sha256_update(&sh, entry, (size_t)len);
	sha256_final(&sh, h);
	sqlite3_bind_int64(s_audit, 1, ++audit_seq);
	sqlite3_bind_text(s_audit, 2, entry, len, SQLITE_STATIC);
	sqlite3_bind_blob(s_audit, 3, audit_prev, SHA256_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s_audit, 4, h, SHA256_LEN, SQLITE_STATIC);
	step_done(s_audit, "audit");
	memcpy(audit_prev, h, SHA256_LEN);
	/* the change log: the change number -> the record, the record -> its number */
	sqlite3_bind_int64(s_chg, 1, ++chg_seq);
	sqlite3_bind_int64(s_chg, 2, rid);
	step_done(s_chg, "change log");
	sqlite3_bind_int64(s_chgrec, 1, rid);
	sqlite3_bind_int64(s_chgrec, 2, chg_seq);
	step_done(s_chgrec, "change log");
}

/* --- one row -------------------------------------------------------------------------- */
static char *cells[64];
static size_t ncells, row_no;

static bool
name_ok(const char *s)
{
	size_t chars = 0;
	for (; *s; s++)
		chars += ((unsigned char)*s & 0xC0) != 0x80;
	return chars >= 1 && chars <= 30;
}
static bool
landline(const char *s)
{
	size_t d = 0;
	for (; *s; s++)
		if (*s >= '0' && *s <= '9')
			d++;
		else if (*s != '-' && *s != ' ')
			return false;
	return d >= 7 && d <= 12;
}

static void
one_row(void)
{
	if (row_no++ == 0) {   /* the header */
		static const char *const heads[NCOL] = {"姓名", "身份证号", "性别", "电话",
		                                        "村(社区)", "组", "住址", "户号",
		                                        "与户主关系", "人员类别", "备注"};
		ncols = ncells;
		for (size_t c = 0; c < ncells && c < 64; c++) {
			colfield[c] = -1;
			for (int k = 0; k < NCOL; k++)
				if (strcmp(cells[c], heads[k]) == 0 || strcmp(cells[c], fields[k]) == 0)
					colfield[c] = k;
		}
		return;
	}
	const char *v[NCOL] = {0};
	char choice[NCOL][256];
	for (size_t c = 0; c < ncells && c < ncols; c++)
		if (colfield[c] >= 0 && cells[c][0])
			v[colfield[c]] = cells[c];
	bool ok = v[0] && name_ok(v[0]) && v[4];
	if (ok && v[1])
		ok = valid_idnum(v[1], NULL) == VALID_OK;
	if (ok && v[3])
		ok = valid_mobile(v[3]) == VALID_OK || landline(v[3]);
	for (int k = 0; ok && k < NCOL; k++)
		if (labels[k] && v[k]) {
			ok = choice_values(k, v[k], choice[k], sizeof choice[k]);
			v[k] = choice[k];
		}
	const char *village = NULL;
	if (ok) {
		sqlite3_bind_text(s_village, 1, v[4], -1, SQLITE_STATIC);
		if (sqlite3_step(s_village) == SQLITE_ROW)
			village = (const char *)sqlite3_column_text(s_village, 0);
		ok = village != NULL;
	}
	if (!ok) {
		bad++;
		sqlite3_reset(s_village);
		return;
	}
	if (v[1]) {
		bool dup = seen_before(v[1]);
		if (!dup) {
			sqlite3_bind_text(s_dup, 1, v[1], -1, SQLITE_STATIC);
			dup = sqlite3_step(s_dup) == SQLITE_ROW;
			sqlite3_reset(s_dup);
		}
		if (dup) {
			duplicates++;
			sqlite3_reset(s_village);
			return;
		}
	}
	if (rows_in_txn == 0)
		exec("BEGIN");
	save(v, village);
	sqlite3_reset(s_village);
	imported++;
	if (++rows_in_txn == BATCH) {
		exec("COMMIT");
		rows_in_txn = 0;
	}
}

static void
cell_cb(void *s, size_t len, void *data)
{
	(void)data;
	if (ncells < 64) {
		cells[ncells] = realloc(cells[ncells], len + 1);
		memcpy(cells[ncells], s, len);
		cells[ncells][len] = '\0';
		ncells++;
	}
}
static void
row_cb(int c, void *data)
{
	(void)c;
	(void)data;
	bool blank = true;   /* CRLF: the LF ends an empty row (CSV_REPALL_NL), skipped */
	for (size_t i = 0; i < ncells && blank; i++)
		blank = cells[i][0] == '\0';
	if (!blank)
		one_row();
	ncells = 0;
}

/* the whole file, GB18030, as UTF-8 */
static char *
read_utf8(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench-sqlite: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fseek(f, 0, SEEK_END);
	size_t n = (size_t)ftell(f);
	rewind(f);
	char *in = malloc(n + 1);
	if (!in || fread(in, 1, n, f) != n)
		exit(1);
	fclose(f);
	size_t cap = n * 3 / 2 + 16;
	char *out = malloc(cap), *ip = in, *op = out;
	size_t il = n, ol = cap;
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1 || iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		fprintf(stderr, "bench-sqlite: %s: not GB18030 (%s)\n", path, strerror(errno));
		exit(1);
	}
	iconv_close(cd);
	free(in);
	*len = cap - ol;
	return out;
}

/* --- the schema ------------------------------------------------------------------------- */
static void
schema(void)
{
	exec("PRAGMA journal_mode=WAL");
	exec("PRAGMA synchronous=FULL");
	exec("CREATE TABLE unit (code TEXT PRIMARY KEY, name TEXT NOT NULL) WITHOUT ROWID");
	exec("CREATE INDEX unit_name ON unit (name)");
	exec("INSERT INTO unit VALUES ('510421100001','安宁村'),('510421100002','龙华村'),"
	     "('510421100003','丙谷村'),('510421100004','垭口村'),('510421100005','草场村')");
	exec("CREATE TABLE resident (id INTEGER PRIMARY KEY, name TEXT NOT NULL, idnum TEXT, sex TEXT, "
	     "phone TEXT, village TEXT NOT NULL, grp TEXT, address TEXT, household TEXT, relation TEXT, "
	     "categories TEXT, note TEXT, status TEXT, created TEXT, creator TEXT, pinyin TEXT)");
	exec("CREATE INDEX resident_name ON resident (name)");
	exec("CREATE INDEX resident_idnum ON resident (idnum)");
	if (!full) {
		exec("CREATE INDEX resident_pinyin ON resident (pinyin)");
		return;
	}
	exec("CREATE TABLE pinyin (initials TEXT NOT NULL, rid INTEGER NOT NULL, "
	     "PRIMARY KEY (initials, rid)) WITHOUT ROWID");
	exec("CREATE INDEX resident_village ON resident (village)");
	exec("CREATE INDEX resident_status ON resident (status)");
	exec("CREATE INDEX resident_household ON resident (household)");
	exec("CREATE TABLE audit (seq INTEGER PRIMARY KEY, entry TEXT NOT NULL, prev BLOB NOT NULL, "
	     "hash BLOB NOT NULL)");
	exec("CREATE TABLE chg (seq INTEGER PRIMARY KEY, rid INTEGER NOT NULL)");
	exec("CREATE TABLE chg_rec (rid INTEGER PRIMARY KEY, seq INTEGER NOT NULL)");
}

static void
statements(void)
{
	s_ins = prep("INSERT INTO resident (name, idnum, sex, phone, village, grp, address, household, "
	             "relation, categories, note, status, created, creator, pinyin) "
	             "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
	s_dup = prep("SELECT 1 FROM resident WHERE idnum = ?");
	s_village = prep("SELECT code FROM unit WHERE name = ?1 OR code = ?1");
	if (full) {
		s_py = prep("INSERT OR IGNORE INTO pinyin VALUES (?, ?)");
		s_audit = prep("INSERT INTO audit VALUES (?, ?, ?, ?)");
		s_chg = prep("INSERT INTO chg VALUES (?, ?)");
		s_chgrec = prep("INSERT OR REPLACE INTO chg_rec VALUES (?, ?)");
	}
}

/* --- search ------------------------------------------------------------------------------- */
/* one page of 17 residents, every column read */
static int
page(sqlite3_stmt *q, const char *typed)
{
	char hi[64];
	snprintf(hi, sizeof hi, "%s\xf4\x8f\xbf\xbf", typed);   /* after every continuation */
	sqlite3_bind_text(q, 1, typed, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, hi, -1, SQLITE_STATIC);
	int got = 0;
	size_t sum = 0;
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int c = 0; c < sqlite3_column_count(q); c++)
			sum += (size_t)sqlite3_column_bytes(q, c) + (sqlite3_column_text(q, c) != NULL);
		got++;
	}
	sqlite3_reset(q);
	return sum == (size_t)-1 ? -1 : got;
}

int
main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[1], "plain") && strcmp(argv[1], "full"))) {
		fprintf(stderr, "usage: bench-sqlite plain|full CSV DB\n");
		return 2;
	}
	full = strcmp(argv[1], "full") == 0;
	const char *fdir = getenv("SHEGONG_FORMSDIR"), *ldir = getenv("SHEGONG_LOCALEDIR");
	char mopath[4096];
	snprintf(mopath, sizeof mopath, "%s/zh_CN/LC_MESSAGES/shegong.mo", ldir && *ldir ? ldir : "locale");
	double t0 = now_us();
	load_form(fdir && *fdir ? fdir : "forms", mopath);
	unlink(argv[3]);
	if (sqlite3_open(argv[3], &db) != SQLITE_OK)
		fail(argv[3]);
	schema();
	statements();

	/* the import */
	size_t len;
	char *text = read_utf8(argv[2], &len);
	struct csv_parser cp;
	if (csv_init(&cp, CSV_REPALL_NL) != 0)
		return 1;
	if (csv_parse(&cp, text, len, cell_cb, row_cb, NULL) != len)
		fprintf(stderr, "bench-sqlite: %s: %s\n", argv[2], csv_strerror(csv_error(&cp)));
	csv_fini(&cp, cell_cb, row_cb, NULL);
	csv_free(&cp);
	free(text);
	if (rows_in_txn)
		exec("COMMIT");
	double imp = (now_us() - t0) / 1e6;
	printf("import_s %.3f\nimported %zu\nduplicates %zu\nbad %zu\n", imp, imported, duplicates, bad);
	{
		FILE *hf = fopen("/proc/self/status", "r");
		char hl[256];
		long hkb = -1;
		while (hf && fgets(hl, sizeof hl, hf))
			if (sscanf(hl, "VmHWM: %ld", &hkb) == 1)
				break;
		if (hf)
			fclose(hf);
		printf("import_hwm_kb %ld\n", hkb);   /* the peak when the import ends */
	}

	/* its size: pages after the WAL is folded in, and compacted (VACUUM) */
	exec("PRAGMA wal_checkpoint(TRUNCATE)");
	sqlite3_stmt *q = prep("SELECT page_count * page_size, freelist_count * page_size "
	                       "FROM pragma_page_count, pragma_freelist_count, pragma_page_size");
	if (sqlite3_step(q) == SQLITE_ROW)
		printf("bytes %lld\nfree_bytes %lld\n", sqlite3_column_int64(q, 0),
		       sqlite3_column_int64(q, 1));
	sqlite3_reset(q);

	/* 40 saves of one new resident, each its own synced transaction */
	enum { SAVES = 40, REPS = 200 };
	double sv[SAVES];
	for (int i = 0; i < SAVES; i++) {
		char id[20];
		snprintf(id, sizeof id, "51042119990101%03d", i);
		id[17] = valid_id_checkchar(id);
		id[18] = '\0';
		const char *v[NCOL] = {"欧阳建国", id, NULL, NULL, "安宁村", NULL, NULL, NULL, NULL, NULL, NULL};
		double a = now_us();
		exec("BEGIN IMMEDIATE");
		sqlite3_bind_text(s_dup, 1, id, -1, SQLITE_STATIC);
		bool dup = sqlite3_step(s_dup) == SQLITE_ROW;
		sqlite3_reset(s_dup);
		if (!dup)
			save(v, "510421100001");
		exec("COMMIT");
		sv[i] = now_us() - a;
	}
	printf("save_ms %.3f\n", pct(sv, SAVES, 50) / 1e3);

	/* a search page, records fetched */
	static const struct {
		const char *typed, *by;
	} words[] = {{"w", "pinyin"}, {"wj", "pinyin"}, {"王", "name"}, {"510421", "idnum"}};
	sqlite3_stmt *by_py = prep(full ? "SELECT r.* FROM pinyin p JOIN resident r ON r.id = p.rid "
	                                  "WHERE p.initials >= ?1 AND p.initials < ?2 "
	                                  "ORDER BY p.initials, p.rid LIMIT 17"
	                                : "SELECT * FROM resident WHERE pinyin >= ?1 AND pinyin < ?2 "
	                                  "ORDER BY pinyin LIMIT 17");
	sqlite3_stmt *by_name = prep("SELECT * FROM resident WHERE name >= ?1 AND name < ?2 "
	                             "ORDER BY name LIMIT 17");
	sqlite3_stmt *by_id = prep("SELECT * FROM resident WHERE idnum >= ?1 AND idnum < ?2 "
	                           "ORDER BY idnum LIMIT 17");
	for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
		sqlite3_stmt *s = words[w].by[0] == 'p' ? by_py : words[w].by[0] == 'n' ? by_name : by_id;
		double t[REPS];
		int got = 0;
		for (int r = 0; r < REPS; r++) {
			double a = now_us();
			exec("BEGIN");   /* a read transaction of its own, as a keystroke has */
			got = page(s, words[w].typed);
			exec("COMMIT");
			t[r] = now_us() - a;
		}
		printf("search:%s %.1f %.1f %d\n", words[w].typed, pct(t, REPS, 50), pct(t, REPS, 99), got);
	}
	sqlite3_finalize(by_py);
	sqlite3_finalize(by_name);
	sqlite3_finalize(by_id);

	/* compacted */
	exec("PRAGMA wal_checkpoint(TRUNCATE)");
	exec("VACUUM");
	if (sqlite3_step(q) == SQLITE_ROW)
		printf("bytes_compacted %lld\n", sqlite3_column_int64(q, 0));
	sqlite3_finalize(q);
	sqlite3_stmt *all[] = {s_ins, s_dup, s_village, s_py, s_audit, s_chg, s_chgrec};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		sqlite3_finalize(all[i]);
	sqlite3_close(db);

	/* the process's own peak memory */
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	printf("hwm_kb %ld\n", kb);
	return 0;
}
