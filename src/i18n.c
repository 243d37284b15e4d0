/* i18n.c: where the translations are found, that they arrive as UTF-8,
 * and the locale a worker's account asks for. */
#include "config.h"

#include <locale.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "paths.h"

void
i18n_init(void)
{
	/* paths_locale: a setgid run does not take the folder from the
	 * environment (a worker's own catalogue could bring format strings) */
	bindtextdomain("shegong", paths_locale());
	/* The program keeps text as UTF-8 inside; the screen code converts
	 * for the terminal, so the catalogue must not do it too. */
	bind_textdomain_codeset("shegong", "UTF-8");
	textdomain("shegong");
}

int
i18n_apply_account(const char *encoding, const char *lang, const char **missing)
{
	*missing = NULL;
	bool en = lang && strcmp(lang, "en") == 0;
	/* LANGUAGE outranks the locale for messages; a catalogue nobody
	 * installed ("en") leaves the English of the source */
	if (lang && *lang)
		setenv("LANGUAGE", en ? "en" : "zh_CN", 1);
	int rc = 0;
	if (encoding && *encoding) {
		static const char *const gb[] = {"zh_CN.GB18030", NULL};
		static const char *const utf8_zh[] = {"zh_CN.UTF-8", NULL};
		static const char *const utf8_en[] = {"en_US.UTF-8", "C.UTF-8", NULL};
		const char *const *want = strcmp(encoding, "gb18030") == 0 ? gb
		                          : en                            ? utf8_en
		                                                          : utf8_zh;
		size_t i = 0;
		while (want[i] && !setlocale(LC_ALL, want[i]))
			i++;
		if (!want[i]) {
			*missing = want[0];
			setlocale(LC_ALL, "");
			rc = -1;
		}
	}
	i18n_init();
	return rc;
}
