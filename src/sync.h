/* sync.h: store-and-forward exchange between a village room's own PC and
 * its township server, through files (a USB stick, scp) or one `ssh`
 * run.  No network service of our own, no curses.
 *
 * What is exchanged is the records changed since the other side last
 * confirmed what it had (the store's change log, store_changes), each as
 * its whole stored encoding, in one exchange file:
 *
 *   "SHEGONG-EXCHANGE" (16) | format u32 (1) | from site u64 | to site u64
 *   (0: not known yet) | base u64 (the records changed after this change
 *   number of the sender) | top u64 (up to this one) | ack u64 (the
 *   receiver's change number the sender has everything up to) | made at
 *   i64 | from unit (u16 length + id text) | from login (u16 + text) |
 *   to unit (u16 + text: the village a township's file is for, else
 *   empty) | forms (u16 + the SHA-256 in hex of the writer's forms) |
 *   key (u16 + 0 or 32 bytes: the exchange key a township gives the
 *   village PC, format 2) | count u32 | count x { u32 length, record key
 *   (17), record encoding } | form files u32 | each { name (u16 + text),
 *   u32 length, bytes } | seal (u16 + 0 or 32 bytes: HMAC-SHA-256 under
 *   the village's exchange key of everything before the seal, format 2) |
 *   SHA-256 of everything before it (32)
 *
 * The SHA-256 finds damage; the seal says who wrote the file.  A
 * township keeps one secret key per village (meta "sync/key/UNIT": the
 * key and whether the village's PC has shown it has it), made when it
 * first writes a file for that village and carried in its files until a
 * sealed file comes back; the village PC keeps it (meta "sync/key") and
 * seals its files with it.  A township takes a village's file only when
 * it is sealed with that village's key, or when the one taking it is that
 * village's own worker (over ssh, the login sshd checked): a worker of one
 * village, who can read every record id, cannot write a file another
 * village's PC could have written.  A PC joined before the seal has no
 * key: its files are taken over ssh by its own login, or on a stick once
 * it has taken a township file carrying its key (a format 1 file reads as
 * unsealed).
 *
 * all integers big-endian.  A file is checked whole (its length, its
 * checksum, its format, who wrote it and for whom) before anything is
 * applied, and applied in one write transaction with the bookkeeping of
 * the peer (meta "sync/peer/SITE") and one "sync" audit entry: a file cut
 * short or damaged changes nothing, and the same file twice changes
 * nothing more.
 *
 * Who wins: each record has one owning site, the one in its id.  A site
 * never takes another's version of its own records (a referral aside);
 * elsewhere the owner's newer version (a higher version number than the
 * last owner's version taken, meta "sync/sv/ID") replaces the copy, and
 * where the copy had been changed here (by more than a status that follows
 * a referral) the change made here is kept in a notice for a worker.
 * Referrals change on both sides (the village sends, the township
 * answers): two copies are merged through the state machine (refer_merge),
 * and a step that cannot stand where it falls becomes a notice too.  The
 * steps a file brings that the copy here lacks must be the sending
 * side's, in the name of a worker whom the accounts here give that side
 * (refer_foreign_step); a file's units and accounts are taken before its
 * other records, so that a station worker whose account comes in the same
 * file is known.
 *
 * Forms: a township's file carries its forms folder's files (choices,
 * *.form, *.fields) when the village PC's last file said it has other
 * ones (or it has not said yet); the PC checks them (formset_load) before
 * anything is taken, and after the transaction puts them in its database
 * folder's "forms" (the old ones kept as forms.old), which the program
 * uses from then on (paths_use_db_forms).
 *
 * Roles: a database with an upstream (meta "sync/upstream": a village
 * PC) exchanges with that township only, and takes what it sends whole
 * (units, accounts, the answers to its referrals).  A database without
 * one is a township server: a file from a village PC (whose village, meta
 * "sync/unit", came with its first file) is applied with the
 * scope of that village's room (scope_for_unit), so a village can bring
 * only its own records and its referrals; the worker applying it must
 * have the village in reach.  An empty database (no units) joins the
 * township whose file it takes first. */
#ifndef SHEGONG_SYNC_H
#define SHEGONG_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "scope.h"
#include "store.h"

#define SYNC_MAGIC "SHEGONG-EXCHANGE"
#define SYNC_FORMAT 2
#define SYNC_KEYLEN 32
/* No exchange file is larger (a township's first file for a village of
 * ten thousand residents is a few megabytes): reading stops past it. */
#define SYNC_MAX_BYTES ((size_t)256 << 20)

enum sync_err {
	SYNC_ERR_DAMAGED = 400, /* cut short, altered, or not an exchange file */
	SYNC_ERR_NEWER,         /* written by a newer shegong */
	SYNC_ERR_OWN,           /* written by this very database */
	SYNC_ERR_NOTFORUS,      /* written for another database */
	SYNC_ERR_STRANGER,      /* a village PC: not from its township */
	SYNC_ERR_GAP,           /* an earlier file from that side was never applied */
	SYNC_ERR_UNIT,          /* from (or for) a unit that is not a village in the worker's reach */
	SYNC_ERR_ROLE,          /* a supervisor: exchanges are made by the rooms */
	SYNC_ERR_NOPEER,        /* nothing to exchange with: no township known, no village given */
	SYNC_ERR_SSH,           /* ssh could not be run, or the link dropped */
	SYNC_ERR_REMOTE,        /* the other side refused (its message was shown) */
	SYNC_ERR_FORMS,         /* the forms the township sent have a fault */
	SYNC_ERR_SEAL,          /* not sealed with the key of the village it says it is from */
	SYNC_ERR_FORGED,        /* carries what its writer could not have typed (why says what) */
	SYNC_ERR_TOOBIG,        /* more than SYNC_MAX_BYTES */
};
/* A sentence for a store_err or sync_err. */
const char *sync_strerror(int err);

struct sync_stats {
	size_t sent;              /* records written into the file */
	size_t sent_referrals, sent_services;
	size_t received;          /* records in the file taken */
	size_t applied;           /* saved here: new, or newer than the copy */
	size_t merged;            /* referrals whose two copies were merged */
	size_t same;              /* already here as they are */
	size_t kept_ours;         /* our own records another side sent back */
	size_t notices;           /* new notices for a worker */
	size_t bytes;             /* of the file */
	size_t forms;             /* form files sent, or taken (a village PC) */
	bool already;             /* everything in the file had been taken before */
	char peer_unit[REC_ID_TEXTMAX];
	uint64_t peer_site;
};

/* Progress: phase 0 writing the file, 1 checking one, 2 applying it,
 * 3 sending/receiving over ssh (done and total in bytes). */
typedef void (*sync_progress_fn)(int phase, size_t done, size_t total, void *ctx);

/* Write the exchange file for the other side into *buf (malloc'd).  On a
 * village PC it is for its township (for_unit NULL).  On a township
 * server it is for the village for_unit (an id text or a division code),
 * which the worker sc must have in reach; peer_site, when not 0, names
 * the village PC (as the file it sent said). */
int sync_make(store *st, const struct scope *sc, const char *for_unit, uint64_t peer_site,
              unsigned char **buf, size_t *len, struct sync_stats *stats,
              sync_progress_fn progress, void *pctx, char *why, size_t whysize);

/* Check and apply an exchange file as worker sc (NULL on an empty
 * database that is joining its township).  stats->peer_site and
 * peer_unit say who wrote it. */
int sync_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
               struct sync_stats *stats, sync_progress_fn progress, void *pctx, char *why,
               size_t whysize);

/* Read a whole exchange file's header without applying it (the checks of
 * the bytes only): for messages and the screen. */
struct sync_header {
	uint64_t from_site, to_site, base, top, ack;
	int64_t made;
	char from_unit[REC_ID_TEXTMAX];
	char from_login[64];
	char to_unit[REC_ID_TEXTMAX];   /* the village a township's file is for, "" */
	char forms_hash[65];            /* the writer's forms (SHA-256 in hex), "" */
	uint32_t count;
	uint32_t nforms;                /* form files carried */
	uint32_t format;
	bool has_key;                   /* carries the village's exchange key */
	unsigned char key[SYNC_KEYLEN];
	bool sealed;
	unsigned char seal[SYNC_KEYLEN];
	size_t sealed_len;              /* the bytes the seal covers */
	size_t entries_at;              /* where the first record entry starts */
	size_t forms_at;                /* where the form files' count is */
};
int sync_read_header(const unsigned char *buf, size_t len, struct sync_header *h);

/* The whole exchange with the township over OpenSSH: the file made for
 * it goes to `ssh HOST shegong sync --serve` (ssh_cmd, when not NULL, is
 * the ssh command with its options, split at spaces: "ssh -p 2222";
 * remote_db, when not NULL, is given to the other side as --db), whose
 * answer comes back and is applied.  The host is remembered (meta
 * "sync/host") for the next run and the screen. */
int sync_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
             const char *remote_db, struct sync_stats *up, struct sync_stats *down,
             sync_progress_fn progress, void *pctx, char *why, size_t whysize);

/* The other end of sync_ssh: read a file from in_fd to its end, apply it
 * as sc, and write the answer to out_fd. */
int sync_serve(store *st, const struct scope *sc, int in_fd, int out_fd, struct sync_stats *in,
               struct sync_stats *out, char *why, size_t whysize);

/* An exchange file read whole (EFBIG past SYNC_MAX_BYTES), or written
 * as path.tmp (0600), flushed and renamed, so that a file cut short (a
 * stick pulled out) never has the name.  0, or an errno value. */
int sync_file_read(const char *path, unsigned char **buf, size_t *len);
int sync_file_write(const char *path, const unsigned char *buf, size_t len);

/* What the screen and `sync --status` show. */
struct sync_peer {
	uint64_t site;
	char unit[REC_ID_TEXTMAX];
	uint64_t recv, acked;     /* their changes taken up to; ours they have up to */
	int64_t last;             /* the last exchange, 0: never */
	size_t last_in, last_out; /* records taken and sent then */
	char forms[65];           /* the SHA-256 of their forms, as they last said */
};
struct sync_status {
	uint64_t site;            /* this database */
	uint64_t upstream;        /* its township's database (a village PC), 0: none */
	char host[256];           /* the host of the last `sync HOST`, "" */
	struct sync_peer *peers;  /* everyone this database exchanged with */
	size_t npeers;
	size_t pending;           /* village PC: records that would go up now */
	size_t pending_referrals;
	size_t open_notices;
};
int sync_status(store *st, const struct scope *sc, struct sync_status *out);
void sync_status_free(struct sync_status *s);

/* Notices: what an exchange could not merge, for a worker to decide. */
struct sync_notice {
	char key[112];            /* its name, to settle it by */
	bool open;
	int64_t at;
	char record[REC_ID_TEXTMAX];
	char what[16];            /* "step" or "replaced" */
	char *text;               /* the detail (UTF-8, lines) */
};
/* The open notices (all: the settled ones too) of the records the
 * store's policy lets the worker read; each text as sc's worker may see
 * it (the values of sensitive fields masked for a supervisor:
 * shown_change_masked), as it is when sc is NULL. */
int sync_notices(store *st, const struct scope *sc, bool all, struct sync_notice **out,
                 size_t *n);
void sync_notices_free(struct sync_notice *v, size_t n);
/* Mark notice number i (1-based, as sync_notices lists the open ones)
 * settled, with the worker's note; logged ("sync-settle"). */
int sync_notice_settle(store *st, size_t i, const char *note, char *why, size_t whysize);
/* The same for the notice named key (struct sync_notice's), checked and
 * settled in one transaction: STORE_NOTFOUND when it is settled already. */
int sync_notice_settle_key(store *st, const char *key, const char *note, char *why,
                           size_t whysize);

/* What no exchange may bring, looked for in the records the worker may
 * read (shegong check): versions near their wrap, slip numbers out of
 * range, a referral whose state its steps do not make or that names
 * another unit's person or needs.  report gets a line for each, *faults
 * their number. */
int sync_verify(store *st, size_t *faults, void (*report)(const char *msg, void *ctx),
                void *ctx);

/* sync-tier.c: a township server's figures carried to its county server,
 * counts by unit, month and what (no personal data), in an exchange file
 * of format 3 (SYNC_FORMAT_FIGURES: sync-tier.c says the layout). */
#define SYNC_FORMAT_FIGURES 3
struct sync_figure {
	char town[16];      /* the township whose file brought it */
	char unit[16];      /* the township's or its village's code */
	char month[8];      /* "YYYY-MM", "YYYY-Qn" for p/... rows */
	char what[64];      /* need, referral, volunteer, service/FN, hours/FN (tenths);
	                     * r/..., p/..., o/orgs, more, held (sync-tier.c) */
	uint64_t value;
	int64_t made;       /* when the township made the file */
};
struct sync_figures {
	uint64_t from_site;
	int64_t made;
	char town[16];
	struct sync_figure *rows;
	size_t n;
};
/* Whether buf is a figures file (format 3), to tell it from an exchange. */
bool sync_is_figures(const unsigned char *buf, size_t len);
/* The figures of the township of sc (a township's worker) into *buf
 * (malloc'd): every need, service (and its hours), volunteer and
 * referral the worker reads, counted by village and month. */
int sync_figures_make(store *st, const struct scope *sc, unsigned char **buf, size_t *len,
                      size_t *rows, char *why, size_t whysize);
/* Check a figures file whole and keep it (the county: the township must
 * be a unit here in sc's reach); *already when the same file or a newer
 * one of that township was kept before (nothing changes).  got->rows is
 * malloc'd. */
int sync_figures_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
                       struct sync_figures *got, bool *already, char *why, size_t whysize);
/* The figures sent to the county server over OpenSSH: the file goes to
 * `ssh HOST shegong sync --serve`, which keeps it and answers with its
 * SHA-256 (and whether it had it: *already). */
int sync_figures_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
                     const char *remote_db, size_t *rows, bool *already, char *why,
                     size_t whysize);
/* Every figure kept here of the townships in sc's reach (malloc'd). */
int sync_figures_list(store *st, const struct scope *sc, struct sync_figure **out, size_t *n);

/* sync-refer.c: the referrals a township escalated to its county (to the
 * county or one of its stations) carried between the township's server
 * and the county's, each way, in an exchange file of format 4
 * (SYNC_FORMAT_REFER): the layout of format 2 with from unit and to unit
 * the two units' division codes, no key, no forms, no seal; its entries
 * the units the records name (read for their codes, never kept: the two
 * servers' unit ids differ), the referrals whose sender is the township
 * and whose receiver the county or its station, and, going up, the
 * people and needs they carry.  Every such referral goes each time (a
 * township has few): the taker merges each with its copy (refer_merge),
 * so the same file twice, or an older one, changes nothing.  Taken with
 * sync_apply (`sync --from-file`), checked whole first: each referral's
 * units known here by code, its sender the township, its receiver the
 * county or its station, every step it brings the writer's side's
 * (the township's going up, the county's coming down), a new one's
 * state what its steps make; what it carries named by a referral of the
 * file.  Anything else refuses the whole file. */
#define SYNC_FORMAT_REFER 4
/* The file for the other server: on a township (sc a township's worker,
 * for_code NULL) for its county; on a county (sc a county's worker) for
 * the township for_code.  *nref referrals, *ncarried people and needs. */
int sync_refer_make(store *st, const struct scope *sc, const char *for_code, unsigned char **buf,
                    size_t *len, size_t *nref, size_t *ncarried, char *why, size_t whysize);
/* The same both ways over OpenSSH, run by `sync --up` on a township's
 * server: its file goes to `ssh HOST shegong sync --serve`, where the
 * county's worker the ssh login is takes it as with --from-file and
 * answers with the county's file for this township, taken here the same
 * way (*down).  Every escalated referral goes each time, so a run cut
 * anywhere is finished by the next and a second run changes nothing.
 * Nothing is sent when none was escalated (*nref 0). */
int sync_refer_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
                   const char *remote_db, size_t *nref, struct sync_stats *down, char *why,
                   size_t whysize);

#endif
