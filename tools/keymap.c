/* keymap.c: the key map as a table, printed from the program's own key
 * table (src/keys.c): Markdown for README.md, or tbl for the man page
 * (--man).  tools/gen-keymap.sh puts it into both; tests/keymap.sh fails
 * when they differ from it. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "keys.h"

static const char *const scope_names[KSB_COUNT] = {
	[KSB_HOME] = "home",         [KSB_HELP] = "help",
	[KSB_LIST] = "list",         [KSB_VIEW] = "record",
	[KSB_EDIT] = "form",         [KSB_PICK] = "picker",
	[KSB_ASK] = "question",      [KSB_NEEDS] = "needs list",
	[KSB_TEXT] = "text",         [KSB_CASE] = "case file",
	[KSB_REFLIST] = "referral lists", [KSB_REFVIEW] = "referral",
	[KSB_REFSEND] = "referral (sender)", [KSB_REFRECV] = "referral (receiver)",
	[KSB_AUDIT] = "audit trail", [KSB_NEWS] = "news",
	[KSB_REPORT] = "report",     [KSB_SYNC] = "exchange",
	[KSB_NOTICES] = "notices",   [KSB_TODAY] = "today's work",
	[KSB_HOUSE] = "household",
};

static void
where(unsigned scope, char *buf, size_t size)
{
	int n = __builtin_popcount(scope);
	if (n >= 8) {
		snprintf(buf, size, "%s", (scope & KS_HOME) ? "every screen" : "every screen but home");
		return;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < KSB_COUNT; i++)
		if ((scope & (1u << i)) && !(i == KSB_REFVIEW && (scope & (KS_REFSEND | KS_REFRECV))))
			len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
			                        scope_names[i] ? scope_names[i] : "?");
}

/* Two bindings are one key of the map: the same F-key, or (without
 * F-keys) the same Ctrl key or letter. */
static bool
same_key(const struct key_binding *a, const struct key_binding *b)
{
	if (a->fkey || b->fkey)
		return a->fkey == b->fkey;
	if (a->ctrl || b->ctrl)
		return a->ctrl == b->ctrl;
	return a->ch == b->ch;
}

static bool
command(const struct key_binding *b)
{
	return b->bar && (b->fkey || b->ctrl || (b->ch > 32 && b->ch < 127));
}

int
main(int argc, char **argv)
{
	bool man = argc > 1 && strcmp(argv[1], "--man") == 0;
	const struct key_binding *t = keys_table();
	if (man)
		printf(".TS\nallbox;\nl l l l l.\nKey\tCtrl\tNo F-key\tMeaning\tActions (screens)\n");
	else
		printf("| Key | Ctrl | No F-key | Meaning | Actions (screens) |\n"
		       "| --- | --- | --- | --- | --- |\n");
	/* F1 to F12, then the Ctrl keys, then the letters */
	for (int pass = 0; pass < 14; pass++)
		for (const struct key_binding *b = t; b->action != ACT_NONE; b++) {
			if (!command(b) || (pass < 12 && b->fkey != pass + 1) ||
			    (pass >= 12 && b->fkey) || (pass == 12 && !b->ctrl) ||
			    (pass == 13 && b->ctrl))
				continue;
			bool seen = false;
			for (const struct key_binding *c = t; c < b; c++)
				seen |= command(c) && same_key(b, c);
			if (seen)
				continue;
			char key[16], ctrl[16] = "", esc[16] = "", actions[1024] = "";
			keys_bar_name(b, key, sizeof key);
			if (b->ctrl && !b->fkey)
				snprintf(key, sizeof key, "Ctrl-%c", b->ctrl);
			else if (b->ctrl)
				snprintf(ctrl, sizeof ctrl, "Ctrl-%c", b->ctrl);
			if (b->fkey)
				snprintf(esc, sizeof esc, "Esc %c", "1234567890-="[b->fkey - 1]);
			else if (!b->ctrl)
				snprintf(esc, sizeof esc, "Esc %c", (char)b->ch);
			size_t len = 0;
			for (const struct key_binding *c = b; c->action != ACT_NONE; c++) {
				if (!command(c) || !same_key(b, c))
					continue;
				char w[256];
				where(c->scope, w, sizeof w);
				len += (size_t)snprintf(actions + len, sizeof actions - len, "%s%s (%s)",
				                        len ? "; " : "", c->bar, w);
			}
			const char *meaning = b->meaning ? b->meaning : b->help;
			if (man)
				printf("%s\t%s\t%s\tT{\n%s\nT}\tT{\n%s\nT}\n", key, ctrl, esc, meaning, actions);
			else
				printf("| %s | %s | %s | %s | %s |\n", key, ctrl, esc, meaning, actions);
		}
	if (man)
		printf(".TE\n");
	return 0;
}
