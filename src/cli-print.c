/* cli-print.c: `shegong print`: a document laid out for paper (print.c)
 * to the terminal, a file or a CUPS printer (lp), logged each time. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli-internal.h"
#include "i18n.h"
#include "orgunit.h"
#include "paths.h"
#include "pdf.h"
#include "print.h"
#include "report.h"
#include "text.h"

/* Whether a program of that name is on $PATH. */
static bool
on_path(const char *prog)
{
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	char *copy = strdup(path), *save = NULL;
	bool found = false;
	for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		char full[4096];
		snprintf(full, sizeof full, "%s/%s", *d ? d : ".", prog);
		found = access(full, X_OK) == 0;
	}
	free(copy);
	return found;
}

/* The bytes to lp's input (lp -d PRINTER when one is named); 0 when lp
 * took them. */
static int
to_lp(const char *printer, const char *bytes, size_t len)
{
	int fd[2];
	if (pipe(fd) != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0) {
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		dup2(fd[0], 0);
		close(fd[0]);
		close(fd[1]);
		if (printer)
			execlp("lp", "lp", "-s", "-d", printer, (char *)NULL);
		else
			execlp("lp", "lp", "-s", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	FILE *f = fdopen(fd[1], "w");
	bool ok = f && fwrite(bytes, 1, len, f) == len;
	if (f)
		ok = fclose(f) == 0 && ok;
	else
		close(fd[1]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The file written whole (FILE.tmp, renamed). */
static int
to_file(const char *path, const char *bytes, size_t len)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	FILE *f = fopen(tmp, "wb");
	if (!f)
		return -1;
	bool ok = fwrite(bytes, 1, len, f) == len;
	ok = fflush(f) == 0 && ok;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct village_ctx {
	const char *code;
	bool above;             /* a township or the county will do */
	char id[REC_ID_TEXTMAX];
};

static int
village_txn(store_txn *t, void *ctx)
{
	struct village_ctx *v = ctx;
	if (!v->above)
		return report_village_by_code(t, v->code, v->id);
	record *u;
	int err = orgunit_by_code(t, v->code, &u);
	if (err)
		return err;
	rec_id_format(&u->id, v->id);
	record_free(u);
	return 0;
}

/* A village as the worker names it: its 12-digit code or its id; with
 * above (the ledger) a township's 9 digits or the county's 6 too. */
static int
village_arg(struct cli *c, store *st, const char *arg, bool above, char *id)
{
	rec_id rid;
	size_t k = strspn(arg, "0123456789");
	if (rec_id_parse(arg, &rid) == 0 && rid.kind == REC_UNIT) {
		snprintf(id, REC_ID_TEXTMAX, "%s", arg);
	} else {
		bool fits = !arg[k] && (k == 12 || (above && (k == 9 || k == 6)));
		if (!fits) {
			say(stderr, above ? _("shegong: print: --village takes a village's code of 12 "
			                      "digits, or a township's of 9, not \"%s\".\n")
			                  : _("shegong: print: --village takes a village's code of 12 "
			                      "digits, not \"%s\".\n"),
			    arg);
			return 2;
		}
		struct village_ctx v = {arg, above, ""};
		int err = store_read(st, village_txn, &v);
		if (err == STORE_NOTFOUND) {
			say(stderr, k == 12 ? _("shegong: no village has the code %s.\n")
			                    : _("shegong: no unit has the code %s.\n"),
			    arg);
			return 1;
		}
		if (err)
			return store_error(c, err);
		snprintf(id, REC_ID_TEXTMAX, "%s", v.id);
	}
	if (c->scope && !scope_in_reach(c->scope, id)) {
		if (above && c->scope->role == ROLE_VILLAGE && k != 12 && !arg[k])
			say(stderr, _("shegong: the ledger of %s holds other villages' services: a "
			              "village worker prints only their own village's ledger (leave "
			              "out --village).\n"),
			    arg);
		else
			say(stderr, _("shegong: the village %s is not in your reach.\n"), arg);
		return 1;
	}
	return 0;
}

static int
cmd_print(struct cli *c, const struct args *a)
{
	if (!a->noperands)
		return usage_error("%s", _("print needs what to print: slip, certificate, casefile, "
		                           "ledger, report or blank"));
	int doc = print_doc_parse(a->operands[0]);
	if (doc < 0)
		return usage_error(_("print: \"%s\" is not a document: slip, certificate, casefile, "
		                     "ledger, report or blank"), a->operands[0]);
	const char *out = args_value(a, "--out"), *enc = args_value(a, "--encoding");
	const char *pdf = args_value(a, "--pdf");
	const char *printer = args_value(a, "--printer");
	bool lp = args_count(a, "--lp") > 0 || printer;
	if (enc && strcmp(enc, "gb18030") != 0 && strcmp(enc, "GB18030") != 0 &&
	    strcmp(enc, "utf-8") != 0 && strcmp(enc, "UTF-8") != 0)
		return usage_error(_("print: --encoding is gb18030 or utf-8, not \"%s\""), enc);
	if (out && lp)
		return usage_error("%s", _("print: --out and --lp do not go together: a file or a "
		                           "printer"));
	if (pdf && (out || lp || enc))
		return usage_error("%s", _("print: --pdf goes alone: not with --out, --lp or "
		                           "--encoding"));
	if (pdf && !pdf_available())
		return usage_error("%s", _("print: this shegong was built without PDF output "
		                           "(Pango and Cairo): print to a file with --out FILE"));
	const char *date = args_value(a, "--date");
	if (date && !is_date(date))
		return usage_error(_("print: --date takes a date like 2026-03-15, not \"%s\""), date);
	struct print_req q = {.doc = doc, .room = args_value(a, "--room"), .today = date};
	const char *village = args_value(a, "--village");
	size_t want = 1;
	switch (doc) {
	case PRINT_SLIP:
	case PRINT_CERTIFICATE:
	case PRINT_CASEFILE:
		if (a->noperands != 2)
			return usage_error(_("print %s needs the number or id of one record"),
			                   a->operands[0]);
		q.id = a->operands[1];
		want = 2;
		break;
	case PRINT_LEDGER:
	case PRINT_REPORT:
		if (a->noperands > 2)
			return usage_error(_("print: one period, not also \"%s\""), a->operands[2]);
		if (a->noperands == 2) {
			struct report_period p;
			q.period = a->operands[1];
			if (report_period_parse(q.period, &p) < 0 || (doc == PRINT_LEDGER && p.months != 1))
				return usage_error(doc == PRINT_LEDGER
				                       ? _("print ledger: the month is like 2026-11, not \"%s\"")
				                       : _("print report: the period is like 2026-11 or "
				                           "2026-Q4, not \"%s\""),
				                   q.period);
		}
		want = a->noperands;
		break;
	case PRINT_BLANK:
		if (a->noperands != 2)
			return usage_error("%s", _("print blank needs a form's name, like need or "
			                           "service_care"));
		q.form = a->operands[1];
		want = 2;
		break;
	}
	(void)want;
	struct form_error ferr;
	struct formset *fs = formset_load_cached(paths_forms(), &ferr);
	if (!fs) {
		say(stderr, "%s:%d: %s\n", ferr.file, ferr.line, ferr.msg);
		return 1;
	}
	if (doc == PRINT_BLANK && !formset_find(fs, q.form)) {
		say(stderr, _("shegong: there is no form \"%s\"; the forms are:"), q.form);
		for (size_t i = 0; i < fs->nforms; i++)
			say(stderr, " %s", fs->forms[i]->name);
		say(stderr, "\n");
		formset_free(fs);
		return 1;
	}
	store *st;
	/* read-write: a print hands personal data out, so it is logged */
	int rc = open_db_write(c, &st);
	if (rc) {
		formset_free(fs);
		return rc;
	}
	char vid[REC_ID_TEXTMAX], idtext[REC_ID_TEXTMAX];
	if (village && (rc = village_arg(c, st, village, doc == PRINT_LEDGER, vid)))
		goto done;
	q.village = village ? vid : NULL;
	if (q.id && (doc == PRINT_SLIP || doc == PRINT_CERTIFICATE || doc == PRINT_CASEFILE)) {
		int kind = doc == PRINT_SLIP ? REC_REFERRAL : doc == PRINT_CERTIFICATE ? REC_VOLUNTEER
		                                                                     : REC_RESIDENT;
		int err = print_resolve(st, kind, q.id, idtext);
		if (err == STORE_INVALID) {
			say(stderr, "shegong: ");
			say(stderr,
			    doc == PRINT_SLIP
			        ? _("\"%s\" is no referral: give the slip's number (like "
			            "ZJ-510421100001-2026-0003) or the referral's id.\n")
			        : doc == PRINT_CERTIFICATE
			              ? _("\"%s\" is no volunteer: give the certificate's number (like "
			                  "20261202-a5074270ee0b-416) or the volunteer's id.\n")
			              : _("\"%s\" is no resident: give the resident's ID number or "
			                  "their id (like res-3f9a2c71d0e4-42; shegong find resident NAME "
			                  "shows it).\n"),
			    q.id);
			rc = 2;
			goto done;
		}
		if (err == STORE_NOTFOUND) {
			say(stderr, _("shegong: there is no record %s.\n"), q.id);
			rc = 1;
			goto done;
		}
		if (err) {
			rc = store_error(c, err);
			goto done;
		}
		q.id = idtext;
	}
	/* the encoding: as told; else the terminal's for the terminal, UTF-8 for a
	 * file or a printer */
	const char *to = enc ? (strcmp(enc, "gb18030") == 0 || strcmp(enc, "GB18030") == 0
	                            ? "GB18030" : "UTF-8")
	                     : "UTF-8";
	if (!enc && !out && !lp && !pdf) {
		const char *cs = nl_langinfo(CODESET);
		if (cs && (strcmp(cs, "GB18030") == 0 || strcmp(cs, "GBK") == 0 ||
		           strcmp(cs, "GB2312") == 0))
			to = "GB18030";
	}
	q.wide = strcmp(to, "GB18030") == 0;
	char title[256];
	char *records = NULL;
	int err;
	char *text = print_text_records(st, fs, c->scope, &q, title, sizeof title, &records, &err);
	if (!text) {
		if (err == STORE_NOTFOUND)
			say(stderr, _("shegong: there is no record %s.\n"), q.id ? q.id : "?");
		else
			rc = store_error(c, err);
		rc = rc ? rc : 1;
		goto done;
	}
	char *bytes = text;
	size_t len = strlen(text);
	if (pdf) {
		/* nothing leaves the program unless the log says so */
		err = print_audit(st, print_doc_name(doc), "pdf", records);
		char why[512] = "";
		if (err) {
			say(stderr, "%s\n", _("shegong: nothing was printed, because the print could "
			                      "not be written to the audit trail."));
			rc = store_error(c, err);
		} else if (pdf_write(text, title, pdf, why, sizeof why) != 0) {
			say(stderr, "shegong: %s\n", why);
			rc = 1;
		} else if (*why) {
			say(stderr, "%s\n", why);   /* written, with a warning (fonts) */
		}
		free(text);
		free(records);
		goto done;
	}
	if (strcmp(to, "UTF-8") != 0) {
		char *conv;
		size_t clen;
		int cerr = text_conv(to, "UTF-8", text, len, &conv, &clen, NULL);
		if (cerr) {
			say(stderr, "shegong: %s\n", text_conv_strerror(cerr));
			free(text);
			free(records);
			rc = 1;
			goto done;
		}
		bytes = conv;
		len = clen;
	}
	if (lp && !on_path("lp")) {
		say(stderr, "%s\n", _("shegong: there is no lp on this computer (CUPS is not "
		                      "installed): print to a file with --out FILE, or ask whoever "
		                      "looks after the computer to install the printer."));
		rc = 1;
	} else {
		const char *way = lp ? "lp" : out ? "file" : "stdout";
		/* nothing leaves the program unless the log says so */
		err = print_audit(st, print_doc_name(doc), way, records);
		if (err) {
			say(stderr, "%s\n", _("shegong: nothing was printed, because the print could "
			                      "not be written to the audit trail."));
			rc = store_error(c, err);
		} else if (lp) {
			if (to_lp(printer, bytes, len) != 0) {
				say(stderr, "%s\n", _("shegong: lp did not take the document: is the printer "
				                      "set up (lpstat -p lists them)?"));
				rc = 1;
			} else {
				say(stderr, _("Sent to the printer: %s\n"), title);
			}
		} else if (out) {
			if (to_file(out, bytes, len) != 0) {
				say(stderr, _("shegong: could not write %s: %s\n"), out, strerror(errno));
				rc = 1;
			}
		} else {
			fwrite(bytes, 1, len, stdout);
		}
	}
	if (bytes != text)
		free(bytes);
	free(text);
	free(records);
done:
	store_close(st);
	formset_free(fs);
	return rc;
}

static const struct args_opt print_opts[] = {
	{"--out", 1}, {"--pdf", 1}, {"--encoding", 1}, {"--lp", 0}, {"--printer", 1},
	{"--village", 1}, {"--room", 1}, {"--date", 1}, {NULL, 0},
};

const struct cli_command cli_cmd_print = {
	"print", cmd_print, print_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("print slip|certificate|casefile NUMBER | print ledger [YYYY-MM] | print report "
	   "[YYYY-MM|YYYY-Qn] | print blank FORM [--village CODE] [--out FILE | --pdf FILE] "
	   "[--encoding gb18030|utf-8] [--lp] [--printer NAME] [--room TEXT] [--date YYYY-MM-DD]"),
	N_("Print a document laid out for A4 paper and an 80-column printer, pages separated "
	   "by form feeds: the referral slip (by its number ZJ-... or id), the volunteer "
	   "certificate (by its number YYYYMMDD-... or the volunteer's id), a resident's case "
	   "file (by their ID number or id), a village's monthly service ledger (服务台账; this month unless told; "
	   "--village with a township's 9-digit code, or a township worker's own, prints the "
	   "township's: each village under a heading with its subtotal, and the total), the "
	   "month's or quarter's report with its chart, or a blank form for home visits. ID "
	   "numbers are masked for roles that may not see them. To the terminal, to --out FILE, "
	   "to --pdf FILE as an A4 PDF with its fonts (when built with Pango and Cairo), "
	   "or with --lp to a CUPS printer (--printer NAME, else the default one); --encoding "
	   "gb18030 for a Chinese dot-matrix printer. Every print is in the audit trail."),
	NULL,
};
