/* i18n.h: gettext for the whole program.  Messages are English in the
 * source and translated by the catalogues in locale/; they are always
 * handed to us in UTF-8, whatever the terminal's encoding. */
#ifndef SHEGONG_I18N_H
#define SHEGONG_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

/* Bind the "shegong" text domain.  The catalogue directory is
 * $SHEGONG_LOCALEDIR when set (tests, an uninstalled build), else the
 * installed one (paths_locale: a setgid run trusts the variable only for
 * a folder root alone controls).  Messages come back as UTF-8. */
void i18n_init(void);

/* Put a worker account's terminal settings in force, whatever the
 * environment says (PuTTY often sends no LANG): encoding "gb18030" runs
 * the program in the locale zh_CN.GB18030, "utf-8" in zh_CN.UTF-8 (with
 * lang "en": en_US.UTF-8, else C.UTF-8); lang "en" shows the messages in
 * English, "zh_CN" in Chinese.  NULL or "" leaves that part to the
 * environment.  Then binds the catalogue again (i18n_init).  Returns 0,
 * or -1 when the wanted locale is not installed: the environment's
 * locale is kept, and *missing names the one wanted. */
int i18n_apply_account(const char *encoding, const char *lang, const char **missing);

#endif
