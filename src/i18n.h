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
 * installed one.  Messages come back as UTF-8. */
void i18n_init(void);

#endif
