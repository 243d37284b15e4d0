/* store-error.c: the store's errors: LMDB's and the system's codes become
 * the store's own (store_map_error), and each of those a message a village
 * worker can act on (store_strerror). */
#include "config.h"

#include <errno.h>
#include <lmdb.h>

#include "i18n.h"
#include "store.h"
#include "util.h"

int
store_map_error(int rc)
{
	static const struct { int rc, err; } map[] = {
		{0, STORE_OK},
		{MDB_NOTFOUND, STORE_NOTFOUND},
		{MDB_KEYEXIST, STORE_EXISTS},
		{MDB_MAP_FULL, STORE_MAPFULL},
		{MDB_READERS_FULL, STORE_BUSY},
		{MDB_VERSION_MISMATCH, STORE_NOTDB},
		{MDB_INVALID, STORE_NOTDB},
		{MDB_INCOMPATIBLE, STORE_NOTDB},
		{MDB_CORRUPTED, STORE_CORRUPT},
		{MDB_PAGE_NOTFOUND, STORE_CORRUPT},
		{MDB_PANIC, STORE_CORRUPT},
		{MDB_TXN_FULL, STORE_TOOBIG},
		{MDB_BAD_VALSIZE, STORE_TOOBIG},
		{MDB_DBS_FULL, STORE_INVALID},
		{MDB_BAD_TXN, STORE_INVALID},
		{MDB_BAD_DBI, STORE_INVALID},
		{ENOSPC, STORE_DISKFULL},
		{EDQUOT, STORE_DISKFULL},
		{EFBIG, STORE_DISKFULL},
		{EACCES, STORE_PERM},
		{EPERM, STORE_PERM},
		{EROFS, STORE_PERM},
		{ENOENT, STORE_NODB},
		{ENOTDIR, STORE_NODB},
		{ENOMEM, STORE_NOMEM},
		{EAGAIN, STORE_BUSY},
		{EBUSY, STORE_BUSY},
		{EINVAL, STORE_INVALID},
	};
	for (size_t i = 0; i < NELEM(map); i++)
		if (map[i].rc == rc)
			return map[i].err;
	return STORE_IO;
}

const char *
store_strerror(int err)
{
	static const char *const msg[] = {
		[STORE_OK] = N_("Done."),
		[STORE_NOTFOUND] = N_("No such record: it may have been deleted."),
		[STORE_EXISTS] = N_("This record is already there."),
		[STORE_CONFLICT] = N_("Someone else saved this record after you opened it. "
		                      "Your input is kept: open the record again and redo your change."),
		[STORE_NODB] = N_("There is no database here. Create one with \"shegong init\" "
		                  "or give the right folder with --db."),
		[STORE_NEWER] = N_("This database was made by a newer version of shegong. "
		                   "Install the newer version to open it."),
		[STORE_NOTDB] = N_("The files in this folder are not a shegong database, or were "
		                   "made by an incompatible program."),
		[STORE_CORRUPT] = N_("The database is damaged. Stop working, and ask the "
		                     "administrator to restore the latest backup."),
		[STORE_DISKFULL] = N_("The disk is full: nothing was saved. Free some space "
		                      "(or ask the administrator), then save again."),
		[STORE_MAPLIMIT] = N_("The database has reached the largest size this computer "
		                      "can handle: nothing was saved. Ask the administrator to "
		                      "move it to a 64-bit system."),
		[STORE_PERM] = N_("No permission to use the database. Ask the administrator to "
		                  "add your account to the shegong group."),
		[STORE_BUSY] = N_("Too many people are using the database at once. Wait a "
		                  "moment and try again."),
		[STORE_TOOBIG] = N_("This is too large to save in one piece. Shorten the text "
		                    "or import in smaller parts."),
		[STORE_NOMEM] = N_("The computer ran out of memory. Close other programs and "
		                   "try again."),
		[STORE_IO] = N_("The disk reported an error. Ask the administrator to check the "
		                "disk; your last change may not be saved."),
		[STORE_INVALID] = N_("Internal error in shegong: please report it."),
		[STORE_STOP] = N_("Stopped."),
		[STORE_DENIED] = N_("Your account may not see or change this record: it belongs to "
		                    "another village or unit, or your role does not allow it. Ask "
		                    "the administrator if it should."),
		[STORE_MAPFULL] = N_("The database is full."),
		[STORE_BADBACKUP] = N_("This file is not a whole shegong backup: it was cut short, "
		                       "damaged, or is another kind of file. Nothing was changed; "
		                       "use another backup."),
		[STORE_INUSE] = N_("Other programs have the database open (someone is working in "
		                   "shegong, or a backup is being made). Nothing was changed. Ask "
		                   "everyone to quit shegong, wait for the backup to finish, then "
		                   "try again."),
		[STORE_BADLOCK] = N_("The database's lock file (lock.mdb) is damaged, so nobody can "
		                     "open the database. The records themselves look whole. Tell the "
		                     "administrator: with everyone out of shegong, move lock.mdb aside "
		                     "and run \"shegong check\"."),
		[STORE_BADPATH] = N_("A backup may not be written into the database folder itself: "
		                     "give a file in another folder, best on another disk."),
	};
	if (err < 0 || (size_t)err >= NELEM(msg) || !msg[err])
		return _("Unknown database error.");
	return _(msg[err]);
}
