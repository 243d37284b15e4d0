/* sync.c: what the exchange between a village PC and its township says
 * when it fails (sync_strerror), and who may exchange for a village.
 * The exchange itself: sync-file.c (the file's bytes, its seal, the
 * keys), sync-make.c, sync-apply.c with sync-check.c, sync-peer.c (what
 * is kept between runs), sync-forms.c, sync-notice.c, sync-ssh.c. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "orgunit.h"
#include "refer.h"
#include "sync-internal.h"

const char *
sync_strerror(int err)
{
	switch (err) {
	case SYNC_ERR_DAMAGED:
		return _("This exchange file is damaged or cut short (or is not an exchange file). "
		         "Nothing was taken from it. Copy it again from the other side, or make a "
		         "new one there.");
	case SYNC_ERR_NEWER:
		return _("This exchange file was made by a newer shegong. Install the newer version "
		         "here first.");
	case SYNC_ERR_OWN:
		return _("This exchange file was made by this same database: take it to the other "
		         "side and apply it there.");
	case SYNC_ERR_NOTFORUS:
		return _("This exchange file was made for another database, not this one.");
	case SYNC_ERR_STRANGER:
		return _("This exchange file does not come from this room's township server. "
		         "Nothing was taken from it.");
	case SYNC_ERR_GAP:
		return _("An earlier exchange file from the other side was never applied here, so "
		         "this one would leave a gap. Apply the earlier file first, or ask the other "
		         "side for a new file: it will carry everything.");
	case SYNC_ERR_UNIT:
		return _("The village of this exchange is not one you look after (or not a "
		         "village). Ask a worker of its township.");
	case SYNC_ERR_ROLE:
		return _("Supervisors do not exchange data: a village room or its township does.");
	case SYNC_ERR_NOPEER:
		return _("There is nothing to exchange with yet: on a township server say which "
		         "village the file is for (--for CODE); a village PC gets its township's "
		         "first file or runs \"shegong sync HOST\".");
	case SYNC_ERR_SSH:
		return _("The link to the township server failed or dropped. Nothing was lost: "
		         "run the exchange again when the link is back.");
	case SYNC_ERR_REMOTE:
		return _("The township server refused the exchange (its message is above).");
	case SYNC_ERR_FORMS:
		return _("The forms the township sent have a fault, so nothing was taken from this "
		         "exchange. Tell the township: its forms need mending.");
	case SYNC_ERR_TOOBIG:
		return _("This is larger than any exchange file (256 MB), so it is not one. Nothing "
		         "was taken from it.");
	case SYNC_ERR_SEAL:
		return _("This exchange file is not sealed with the key of the village PC it says it "
		         "comes from, so it cannot be told from a forgery. Nothing was taken from it. "
		         "A village PC seals its files once it has taken a file from this township: "
		         "make a file for the village here, apply it on the village's PC, then make "
		         "the PC's file again (or exchange over ssh as the village's worker).");
	case SYNC_ERR_FORGED:
		return _("This exchange file carries something the side that wrote it could not have "
		         "typed. Nothing was taken from it.");
	default:
		return refer_strerror(err);
	}
}

void
sync_why(char *why, size_t size, const char *fmt, const char *arg)
{
	if (why && size && !*why)
		snprintf(why, size, fmt, arg ? arg : "");
}

bool
sync_may_reach(const struct scope *sc, const char *unit)
{
	return sc && (sc->role == ROLE_ADMIN || scope_in_reach(sc, unit)) && sc->role != ROLE_SUPERVISOR;
}
