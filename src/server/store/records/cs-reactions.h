/* cs-reactions.h: reactions on messages, and when members read a room.
 * Each call runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* One emoji on a message: how many reacted, and the first @max_users of
 * them in the order they reacted (char*). */
typedef struct {
  char      *emoji;
  gint64     count;
  GPtrArray *user_ids;
} CsReaction;

void cs_reaction_free (CsReaction *reaction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsReaction, cs_reaction_free)

/* What an engine implements for this header: one entry per function below,
 * named without its prefix; the functions dispatch to it through the
 * connection's engine (store/README.md). */
struct _CsReactionsOps {
  GPtrArray *(*of_message) (CsDb *db, gint64 message_seq, guint max_users);
  gint64 (*distinct) (CsDb *db, gint64 message_seq);
  gboolean (*has) (CsDb *db, gint64 message_seq, const char *emoji, const char *user_id);
  gboolean (*add) (CsDb *db, gint64 message_seq, const char *emoji, const char *user_id, gint64 added_seq, gint64 at, gboolean *out_changed);
  gboolean (*remove) (CsDb *db, gint64 message_seq, const char *emoji, const char *user_id, gboolean *out_changed);
  gboolean (*reads_record) (CsDb *db, const char *room_id, const char *user_id, gint64 up_to_seq, gint64 at);
  GPtrArray *(*reads_list) (CsDb *db, const char *room_id, gint64 seq);
};

/* The reactions on the message at @message_seq (CsReaction*), ordered by
 * first use, each listing at most @max_users; empty when none. */
static inline GPtrArray *
cs_reactions_of_message (CsDb   *db,
                         gint64  message_seq,
                         guint   max_users)
{
  CS_DB_NEEDS (db, reactions, of_message);
  return db->engine->reactions->of_message (db, message_seq, max_users);
}

/* How many distinct emoji the message at @message_seq carries. */
static inline gint64
cs_reactions_distinct (CsDb   *db,
                       gint64  message_seq)
{
  CS_DB_NEEDS (db, reactions, distinct);
  return db->engine->reactions->distinct (db, message_seq);
}

/* Whether @user_id reacted with @emoji, or anyone did (@user_id NULL). */
static inline gboolean
cs_reactions_has (CsDb       *db,
                  gint64      message_seq,
                  const char *emoji,
                  const char *user_id)
{
  CS_DB_NEEDS (db, reactions, has);
  return db->engine->reactions->has (db, message_seq, emoji, user_id);
}

/* Writes; FALSE when the engine failed. @out_changed tells whether the
 * reaction was added (not there yet) or removed (it was there). */
static inline gboolean
cs_reactions_add (CsDb       *db,
                  gint64      message_seq,
                  const char *emoji,
                  const char *user_id,
                  gint64      added_seq,
                  gint64      at,
                  gboolean   *out_changed)
{
  CS_DB_NEEDS (db, reactions, add);
  return db->engine->reactions->add (db, message_seq, emoji, user_id, added_seq, at, out_changed);
}

static inline gboolean
cs_reactions_remove (CsDb       *db,
                     gint64      message_seq,
                     const char *emoji,
                     const char *user_id,
                     gboolean   *out_changed)
{
  CS_DB_NEEDS (db, reactions, remove);
  return db->engine->reactions->remove (db, message_seq, emoji, user_id, out_changed);
}

/* A member's read watermark and when it got there. */
typedef struct {
  char   *user_id;
  char   *display_name;
  gint64  last_read_seq;
  gint64  read_at;          /* or CS_TIME_NONE: moved before times were kept */
} CsReadMark;

void cs_read_mark_free (CsReadMark *mark);

/* Records that @user_id's watermark in @room_id moved to @up_to_seq at @at. */
static inline gboolean
cs_reads_record (CsDb       *db,
                 const char *room_id,
                 const char *user_id,
                 gint64      up_to_seq,
                 gint64      at)
{
  CS_DB_NEEDS (db, reactions, reads_record);
  return db->engine->reactions->reads_record (db, room_id, user_id, up_to_seq, at);
}

/* The members of @room_id (CsReadMark*) by name. With @seq > 0: only those
 * whose watermark reached @seq, read_at being when it first did; with
 * @seq 0, every member, read_at being their watermark's latest move. */
static inline GPtrArray *
cs_reads_list (CsDb       *db,
               const char *room_id,
               gint64      seq)
{
  CS_DB_NEEDS (db, reactions, reads_list);
  return db->engine->reactions->reads_list (db, room_id, seq);
}

G_END_DECLS
