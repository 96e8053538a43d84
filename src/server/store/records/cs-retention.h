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

/* @tenant_id's setting: *days is 0 when messages are kept for ever. */
gboolean   cs_retention_tenant        (CsDb       *db,
                                       const char *tenant_id,
                                       gint64     *days,
                                       gboolean   *legal_hold);
gboolean   cs_retention_set_tenant    (CsDb       *db,
                                       const char *tenant_id,
                                       gint64      days,
                                       gboolean    legal_hold);
/* @room_id's own days; 0: it follows its tenant. */
gint64     cs_retention_room_days     (CsDb       *db,
                                       const char *room_id);
/* Sets @room_id's own days (0: its tenant's) if it is a room of
 * @tenant_id: 1 done, 0 no such room there, -1 the engine failed. */
int        cs_retention_set_room      (CsDb       *db,
                                       const char *tenant_id,
                                       const char *room_id,
                                       gint64      days);
/* The rooms of @tenant_id that set their own days (CsRetentionOverride*). */
GPtrArray *cs_retention_overrides     (CsDb       *db,
                                       const char *tenant_id);

/* Every room that has a number of days and whose tenant is not on legal
 * hold (CsRetentionRoom*). */
GPtrArray *cs_retention_due_rooms     (CsDb       *db);
/* The seq below which @room_id's messages are to go: its oldest messages,
 * in seq order and at most @max of them, as long as each was created
 * before @cutoff_ms (*n_messages of them). 0 when the oldest is not due. */
gint64     cs_retention_floor         (CsDb       *db,
                                       const char *room_id,
                                       gint64      cutoff_ms,
                                       guint       max,
                                       guint      *n_messages);
/* The attachments of @room_id's messages below @before_seq (ids). */
GPtrArray *cs_retention_attachment_ids (CsDb      *db,
                                        const char *room_id,
                                        gint64      before_seq);
/* Removes @room_id's messages below @before_seq with what repeats their
 * text: the search index (the engine's trigger), mentions,
 * notifications, and the logged events that repeat it (message events
 * below the floor, edits and deletions of those messages above it, and
 * their notifications' events). Attachment rows are
 * removed by the caller, who owns their files. */
gboolean   cs_retention_remove        (CsDb       *db,
                                       const char *room_id,
                                       gint64      before_seq);

G_END_DECLS
