/* cs-retention.h: how long messages are kept (issue 17): a number of days
 * per tenant, optionally per room, and a legal hold per tenant that
 * suspends removal. Each call runs on the connection of the job that holds
 * it (CsCtx.db); the setters and the removal only inside the writer's
 * transaction.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

/* A room whose old messages are due: its own days, else its tenant's. */
typedef struct {
  char   *room_id;
  char   *tenant_id;
  gint64  days;
} CsRetentionRoom;

void       cs_retention_room_free     (CsRetentionRoom *room);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRetentionRoom, cs_retention_room_free)

/* A room that sets its own days, for the admin's listing. */
typedef struct {
  char   *room_id;
  char   *name;
  gint64  days;
} CsRetentionOverride;

void       cs_retention_override_free (CsRetentionOverride *o);

/* What an engine implements for this header: one entry per function below,
 * named without its prefix; the functions dispatch to it through the
 * connection's engine (store/README.md). */
struct _CsRetentionOps {
  gboolean (*tenant) (CsDb *db, const char *tenant_id, gint64 *days, gboolean *legal_hold);
  gboolean (*set_tenant) (CsDb *db, const char *tenant_id, gint64 days, gboolean legal_hold);
  gint64 (*room_days) (CsDb *db, const char *room_id);
  int (*set_room) (CsDb *db, const char *tenant_id, const char *room_id, gint64 days);
  GPtrArray *(*overrides) (CsDb *db, const char *tenant_id);
  GPtrArray *(*due_rooms) (CsDb *db);
  gint64 (*floor) (CsDb *db, const char *room_id, gint64 cutoff_ms, guint max, guint *n_messages);
  GPtrArray *(*attachment_ids) (CsDb *db, const char *room_id, gint64 before_seq);
  gboolean (*remove) (CsDb *db, const char *room_id, gint64 before_seq);
};

/* @tenant_id's setting: *days is 0 when messages are kept for ever. */
static inline gboolean
cs_retention_tenant (CsDb       *db,
                     const char *tenant_id,
                     gint64     *days,
                     gboolean   *legal_hold)
{
  CS_DB_NEEDS (db, retention, tenant);
  return db->engine->retention->tenant (db, tenant_id, days, legal_hold);
}

static inline gboolean
cs_retention_set_tenant (CsDb       *db,
                         const char *tenant_id,
                         gint64      days,
                         gboolean    legal_hold)
{
  CS_DB_NEEDS (db, retention, set_tenant);
  return db->engine->retention->set_tenant (db, tenant_id, days, legal_hold);
}

/* @room_id's own days; 0: it follows its tenant. */
static inline gint64
cs_retention_room_days (CsDb       *db,
                        const char *room_id)
{
  CS_DB_NEEDS (db, retention, room_days);
  return db->engine->retention->room_days (db, room_id);
}

/* Sets @room_id's own days (0: its tenant's) if it is a room of
 * @tenant_id: 1 done, 0 no such room there, -1 the engine failed. */
static inline int
cs_retention_set_room (CsDb       *db,
                       const char *tenant_id,
                       const char *room_id,
                       gint64      days)
{
  CS_DB_NEEDS (db, retention, set_room);
  return db->engine->retention->set_room (db, tenant_id, room_id, days);
}

/* The rooms of @tenant_id that set their own days (CsRetentionOverride*). */
static inline GPtrArray *
cs_retention_overrides (CsDb       *db,
                        const char *tenant_id)
{
  CS_DB_NEEDS (db, retention, overrides);
  return db->engine->retention->overrides (db, tenant_id);
}

/* Every room that has a number of days and whose tenant is not on legal
 * hold (CsRetentionRoom*). */
static inline GPtrArray *
cs_retention_due_rooms (CsDb *db)
{
  CS_DB_NEEDS (db, retention, due_rooms);
  return db->engine->retention->due_rooms (db);
}

/* The seq below which @room_id's messages are to go: its oldest messages,
 * in seq order and at most @max of them, as long as each was created
 * before @cutoff_ms (*n_messages of them). 0 when the oldest is not due. */
static inline gint64
cs_retention_floor (CsDb       *db,
                    const char *room_id,
                    gint64      cutoff_ms,
                    guint       max,
                    guint      *n_messages)
{
  CS_DB_NEEDS (db, retention, floor);
  return db->engine->retention->floor (db, room_id, cutoff_ms, max, n_messages);
}

/* The attachments of @room_id's messages below @before_seq (ids). */
static inline GPtrArray *
cs_retention_attachment_ids (CsDb       *db,
                             const char *room_id,
                             gint64      before_seq)
{
  CS_DB_NEEDS (db, retention, attachment_ids);
  return db->engine->retention->attachment_ids (db, room_id, before_seq);
}

/* Removes @room_id's messages below @before_seq with what repeats their
 * text: the search index (the engine's trigger), mentions,
 * notifications, and the logged events that repeat it (message events
 * below the floor, edits and deletions of those messages above it, and
 * their notifications' events). Attachment rows are
 * removed by the caller, who owns their files. */
static inline gboolean
cs_retention_remove (CsDb       *db,
                     const char *room_id,
                     gint64      before_seq)
{
  CS_DB_NEEDS (db, retention, remove);
  return db->engine->retention->remove (db, room_id, before_seq);
}

G_END_DECLS
