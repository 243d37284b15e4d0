/* orgunit.h: org units (county, townships, villages) and workers'
 * accounts as records.  Division codes are hierarchical (GB/T 2260 and
 * the statistical codes below it): a county has 6 digits, a township 9,
 * a village 12, and each begins with its parent's code, so a code alone
 * says where a unit belongs.  A city (市(州)) has 4 digits; a database
 * holding its city's unit is that city's server (sync-tier.c).  A county
 * need not have its city registered: its parent is the city when it is
 * there, else none.  No curses. */
#ifndef SHEGONG_ORGUNIT_H
#define SHEGONG_ORGUNIT_H

#include <stdbool.h>

#include "record.h"
#include "store.h"

enum unit_level {
	UNIT_COUNTY = 1, UNIT_TOWNSHIP = 2, UNIT_VILLAGE = 3, UNIT_STATION = 4,
	UNIT_CITY = 5,   /* 市(州): 4 digits (5104), above its counties */
};
/* A station (专门机构: a minors' protection centre, a mental-health
 * rehabilitation base ...) is a unit under a city, county or township
 * that receives referrals of some categories (route.h): its code is the
 * parent's, a dash and two digits ("5104-01", "510421-01",
 * "510421100-02"). */

/* "city", "county", "township", "village", "station" (stored in the records). */
const char *orgunit_level_name(int level);
/* Translated label (市 / 县 / 乡镇 / 村 / 专门机构). */
const char *orgunit_level_label(int level);
/* The level a code of this many digits names, or 0. */
int orgunit_level_of_code(const char *code);
/* The level of a unit record (from its code), or 0 when r is not a unit. */
int orgunit_level_of(const record *r);

/* Errors of orgunit_check (beside the store's). */
enum orgunit_err {
	ORGUNIT_OK = 0,
	ORGUNIT_BADCODE = 100,  /* not 4, 6, 9 or 12 digits, nor a station's code */
	ORGUNIT_NONAME,         /* no name */
	ORGUNIT_NOPARENT,       /* its parent unit is not registered */
	ORGUNIT_DUPLICATE,      /* the code is registered already */
	ORGUNIT_ROLELEVEL,      /* the worker's role does not fit the unit's level */
	ORGUNIT_BADNAME,        /* a name with control characters (text_check_typed) */
};
const char *orgunit_strerror(int err);

/* Register a unit with this code and name in t.  Its parent (found from
 * the code) must be registered already, except for a county.  On success
 * *id (if not NULL) receives the new record's id. */
int orgunit_add(store_txn *t, const char *code, const char *name, rec_id *id);
/* The unit above the unit u (id text into out, "" when none): its
 * parent, or for a county registered before its city, that city when it
 * is registered now.  A store error, else 0. */
int orgunit_above(store_txn *t, const record *u, char out[REC_ID_TEXTMAX]);
/* The unit with this code, or STORE_NOTFOUND. */
int orgunit_by_code(store_txn *t, const char *code, record **out);

/* Parse one line of a units file: "CODE NAME", blank lines and lines
 * starting with '#' are skipped (returns 1).  Returns 0 on a unit (code
 * and name point into line, which is modified), or -1 with *why. */
int orgunit_parse_line(char *line, char **code, char **name, const char **why);

/* Roles of workers.  Stored as their names. */
enum worker_role { ROLE_VILLAGE = 1, ROLE_TOWNSHIP, ROLE_SUPERVISOR, ROLE_ADMIN };
const char *worker_role_name(int role);   /* "village", "township", "supervisor", "admin" */
const char *worker_role_label(int role);  /* translated */
int worker_role_from_name(const char *name);
/* Whether a worker of role may belong to a unit of level: a village
 * worker to a village, a township worker to a township (or the county:
 * the station that receives what townships refer up) or a station, a supervisor to
 * the city, the county or a township, an administrator anywhere but a
 * station. */
bool worker_role_fits(int role, int level);
/* Register a worker account (login) with a role in the unit of code;
 * ORGUNIT_ROLELEVEL when the role does not fit the unit (worker_role_fits). */
int worker_add(store_txn *t, const char *login, const char *fullname, int role,
               const char *unit_code, rec_id *id);
/* The same, with the account's terminal settings (encoding, lang: NULL
 * or "" leaves them unset, else values worker_encoding_valid and
 * worker_lang_valid accept). */
int worker_add_prefs(store_txn *t, const char *login, const char *fullname, int role,
                     const char *unit_code, const char *encoding, const char *lang,
                     rec_id *id);
/* The worker record of login, or STORE_NOTFOUND. */
int worker_by_login(store_txn *t, const char *login, record **out);

/* A worker account's terminal settings, in its fields "encoding" and
 * "lang": the values stored, and whether a value is one of them. */
#define WORKER_ENC_UTF8 "utf-8"
#define WORKER_ENC_GB18030 "gb18030"
#define WORKER_LANG_ZH "zh_CN"
#define WORKER_LANG_EN "en"
bool worker_encoding_valid(const char *v);
bool worker_lang_valid(const char *v);
/* Whether the worker's terminal has a printer that takes media copy
 * (ESC [ 5 i ... ESC [ 4 i: PuTTY's Terminal > Printing, Xshell,
 * SecureCRT, xterm): the account's field "terminal_printer", "yes" or
 * "no" (unset: no).  The print dialog offers the terminal's printer only
 * then. */
#define WORKER_TERMINAL_PRINTER "terminal_printer"
bool worker_terminal_printer(const record *w);
/* Whether the account is disabled (status "disabled"). */
bool worker_disabled(const record *w);
/* Whether the account is an administrator's and not disabled. */
bool worker_is_admin(const record *w);

#endif
