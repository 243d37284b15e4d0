/* i18n.c: where the translations are found, and that they arrive as UTF-8. */
#include "config.h"

#include <stdlib.h>

#include "i18n.h"

void
i18n_init(void)
{
	const char *dir = getenv("SHEGONG_LOCALEDIR");
	bindtextdomain("shegong", dir && *dir ? dir : LOCALEDIR);
	/* The program keeps text as UTF-8 inside; the screen code converts
	 * for the terminal, so the catalogue must not do it too. */
	bind_textdomain_codeset("shegong", "UTF-8");
	textdomain("shegong");
}
