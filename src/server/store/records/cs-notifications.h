/* cs-notifications.h: a person's notifications, as the store keeps them.
 * Each call runs on the connection of the job that holds it (CsCtx.db).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* What an engine implements for this header: one entry per function below,
 * named without its "cs_notifications_" (or "cs_") prefix; the functions
 * dispatch to it through the connection's engine (store/README.md). */
struct _CsNotificationsOps {
  CsNotification *(*insert) (CsDb *db, const char *tenant_id, const char *user_id, const char *type, const char *room_id, const char *message_id, gint64 message_seq, const char *title, const char *body, const char *actor_name, const char *room_name, gint64 created_at);
  GPtrArray *(*list) (CsDb *db, const char *user_id, gboolean only_unread);
  GPtrArray *(*unread_ids) (CsDb *db, const char *user_id, const char *room_id, gint64 up_to_seq);
  gboolean (*mark_read_up_to) (CsDb *db, const char *user_id, const char *room_id, gint64 up_to_seq);
  int (*state) (CsDb *db, const char *user_id, const char *id);
  gboolean (*mark_read) (CsDb *db, const char *id);
  gboolean (*mark_all_read) (CsDb *db, const char *user_id);
};

/* Stores a new unread notification and returns it as stored, or NULL
 * when the engine failed. */
static inline CsNotification *
cs_notifications_insert (CsDb       *db,
                         const char *tenant_id,
                         const char *user_id,
                         const char *type,
                         const char *room_id,
                         const char *message_id,
                         gint64      message_seq,
                         const char *title,
                         const char *body,
                         const char *actor_name,
                         const char *room_name,
                         gint64      created_at)
{
  CS_DB_NEEDS (db, notifications, insert);
  return db->engine->notifications->insert (db, tenant_id, user_id, type, room_id, message_id, message_seq, title, body, actor_name, room_name, created_at);
}

/* @user_id's newest 200 (CsNotification*), only the unread ones with
 * @only_unread. */
static inline GPtrArray *
cs_notifications_list (CsDb       *db,
                       const char *user_id,
                       gboolean    only_unread)
{
  CS_DB_NEEDS (db, notifications, list);
  return db->engine->notifications->list (db, user_id, only_unread);
}

/* The ids (char*) of @user_id's unread notifications in @room_id up to
 * @up_to_seq; NULL when the engine failed. */
static inline GPtrArray *
cs_notifications_unread_ids (CsDb       *db,
                             const char *user_id,
                             const char *room_id,
                             gint64      up_to_seq)
{
  CS_DB_NEEDS (db, notifications, unread_ids);
  return db->engine->notifications->unread_ids (db, user_id, room_id, up_to_seq);
}

static inline gboolean
cs_notifications_mark_read_up_to (CsDb       *db,
                                  const char *user_id,
                                  const char *room_id,
                                  gint64      up_to_seq)
{
  CS_DB_NEEDS (db, notifications, mark_read_up_to);
  return db->engine->notifications->mark_read_up_to (db, user_id, room_id, up_to_seq);
}

/* -1: @user_id has no notification @id; 0: unread; 1: read. */
static inline int
cs_notifications_state (CsDb       *db,
                        const char *user_id,
                        const char *id)
{
  CS_DB_NEEDS (db, notifications, state);
  return db->engine->notifications->state (db, user_id, id);
}

static inline gboolean
cs_notifications_mark_read (CsDb       *db,
                            const char *id)
{
  CS_DB_NEEDS (db, notifications, mark_read);
  return db->engine->notifications->mark_read (db, id);
}

static inline gboolean
cs_notifications_mark_all_read (CsDb       *db,
                                const char *user_id)
{
  CS_DB_NEEDS (db, notifications, mark_all_read);
  return db->engine->notifications->mark_all_read (db, user_id);
}

G_END_DECLS
