/* cs-records.c: freeing what the store returns.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-records.h"
#include "cs-attachments.h"
#include "cs-invitations.h"
#include "cs-reactions.h"
#include "cs-retention.h"

#include <string.h>

char **
cs_ids_new (const char * const *ids)
{
  gsize n = 0, text = 0;
  char **out;
  char *p;

  for (; ids && ids[n]; n++)
    text += strlen (ids[n]) + 1;
  out = g_atomic_rc_box_alloc ((n + 1) * sizeof (char *) + text);
  p = (char *) (out + n + 1);
  for (gsize i = 0; i < n; i++)
    {
      gsize len = strlen (ids[i]) + 1;

      out[i] = memcpy (p, ids[i], len);
      p += len;
    }
  out[n] = NULL;
  return out;
}

char **
cs_ids_take_strv (char **strv)
{
  char **out = cs_ids_new ((const char * const *) strv);

  g_strfreev (strv);
  return out;
}

char **
cs_ids_ref (char **ids)
{
  return ids ? g_atomic_rc_box_acquire (ids) : NULL;
}

void
cs_ids_unref (char **ids)
{
  if (ids)
    g_atomic_rc_box_release (ids);
}

void
cs_message_free (CsMessage *m)
{
  if (m == NULL)
    return;
  g_free (m->id);
  g_free (m->room_id);
  g_free (m->sender_id);
  g_free (m->sender_name);
  g_free (m->kind);
  g_free (m->body);
  g_free (m->reply_to_id);
  g_free (m->mentions);
  g_free (m->context);
  g_free (m->txn_id);
  g_free (m->system);
  g_free (m->sender_kind);
  g_free (m->agent_error);
  g_free (m->tenant_id);
  g_free (m);
}

void
cs_quote_free (CsQuote *q)
{
  if (q == NULL)
    return;
  g_free (q->id);
  g_free (q->sender_id);
  g_free (q->sender_name);
  g_free (q->body);
  g_free (q);
}

void
cs_attachment_free (CsAttachment *a)
{
  if (a == NULL)
    return;
  g_free (a->id);
  g_free (a->name);
  g_free (a->mime_type);
  g_free (a);
}

void
cs_member_user_free (CsMemberUser *m)
{
  if (m == NULL)
    return;
  g_free (m->user_id);
  g_free (m->display_name);
  g_free (m->email);
  g_free (m->kind);
  g_free (m->handle);
  g_free (m);
}

void
cs_member_prefs_free (CsMemberPrefs *p)
{
  if (p == NULL)
    return;
  g_free (p->user_id);
  g_free (p->notify);
  g_free (p);
}

void
cs_notification_free (CsNotification *n)
{
  if (n == NULL)
    return;
  g_free (n->id);
  g_free (n->type);
  g_free (n->room_id);
  g_free (n->message_id);
  g_free (n->title);
  g_free (n->body);
  g_free (n->actor_name);
  g_free (n->room_name);
  g_free (n);
}

void
cs_user_free (CsUser *u)
{
  if (u == NULL)
    return;
  g_free (u->id);
  g_free (u->email);
  g_free (u->display_name);
  g_free (u->role);
  g_free (u->status_text);
  g_free (u->kind);
  g_free (u->handle);
  g_free (u->description);
  g_free (u->system_prompt);
  g_free (u->model);
  g_free (u->rank);
  g_free (u);
}

void
cs_member_free (CsMember *m)
{
  if (m == NULL)
    return;
  cs_user_free (m->user);
  g_free (m->role);
  g_free (m);
}

void
cs_room_free (CsRoom *r)
{
  if (r == NULL)
    return;
  g_free (r->id);
  g_free (r->type);
  g_free (r->name);
  g_free (r->description);
  g_free (r->created_by);
  g_free (r->context);
  g_free (r->my_role);
  g_free (r->notify);
  g_free (r);
}

void
cs_logged_event_free (CsLoggedEvent *e)
{
  if (e == NULL)
    return;
  g_free (e->type);
  g_free (e->payload);
  g_free (e->actor_id);
  g_free (e->txn_id);
  g_free (e->tenant_id);
  g_free (e->room_id);
  g_free (e->user_id);
  g_free (e);
}

void
cs_attachment_access_free (CsAttachmentAccess *a)
{
  if (a == NULL)
    return;
  g_free (a->name);
  g_free (a->mime_type);
  g_free (a->thumb_type);
  g_free (a->uploader_id);
  g_free (a);
}

static void
cell_clear (gpointer data)
{
  g_free (((CsCell *) data)->text);
}

GArray *
cs_cells_new (guint n)
{
  GArray *cells = g_array_sized_new (FALSE, TRUE, sizeof (CsCell), n);

  g_array_set_clear_func (cells, cell_clear);
  return cells;
}

void
cs_audit_entry_free (CsAuditEntry *e)
{
  if (e == NULL)
    return;
  g_free (e->user_id);
  g_free (e->action);
  g_free (e->entity_type);
  g_free (e->entity_id);
  g_free (e->ip);
  g_free (e->details);
  g_free (e);
}

void
cs_stored_session_free (CsStoredSession *s)
{
  if (s == NULL)
    return;
  g_free (s->token_hash);
  g_free (s->user_id);
  g_free (s->tenant_id);
  g_free (s);
}

void
cs_invitation_free (CsInvitation *i)
{
  if (i == NULL)
    return;
  g_free (i->id);
  g_free (i->tenant_id);
  g_free (i->room_id);
  g_free (i->room_name);
  g_free (i->room_type);
  g_free (i->inviter_id);
  g_free (i->inviter_name);
  g_free (i->email);
  g_free (i->status);
  g_free (i->token_box);
  g_free (i->message);
  g_free (i->mail_status);
  g_free (i->tenant_name);
  g_free (i->tenant_language);
  g_free (i);
}

void
cs_invitation_context_free (CsInvitationContext *c)
{
  if (c == NULL)
    return;
  g_free (c->tenant_language);
  g_free (c->tenant_name);
  g_free (c->room_name);
  g_free (c->room_type);
  g_free (c->inviter_name);
  g_free (c);
}

void
cs_engine_missing (CsDb       *db,
               const char *function)
{
  static GHashTable *logged;   /* const char * (static strings), once each */
  static GMutex lock;
  gboolean first;

  if (db->missing == NULL)
    db->missing = function;
  g_mutex_lock (&lock);
  if (logged == NULL)
    logged = g_hash_table_new (g_str_hash, g_str_equal);
  first = g_hash_table_add (logged, (gpointer) function);
  g_mutex_unlock (&lock);
  if (first)
    g_warning ("%s is not implemented by the %s storage engine: the requests that need it fail",
               function, db->engine->label);
}

void
cs_reaction_free (CsReaction *reaction)
{
  if (reaction == NULL)
    return;
  g_free (reaction->emoji);
  g_clear_pointer (&reaction->user_ids, g_ptr_array_unref);
  g_free (reaction);
}

void
cs_read_mark_free (CsReadMark *mark)
{
  if (mark == NULL)
    return;
  g_free (mark->user_id);
  g_free (mark->display_name);
  g_free (mark);
}

void
cs_retention_room_free (CsRetentionRoom *room)
{
  if (room == NULL)
    return;
  g_free (room->room_id);
  g_free (room->tenant_id);
  g_free (room);
}

void
cs_retention_override_free (CsRetentionOverride *o)
{
  if (o == NULL)
    return;
  g_free (o->room_id);
  g_free (o->name);
  g_free (o);
}
