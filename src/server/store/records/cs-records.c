/* cs-records.c: freeing what the store returns.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-records.h"

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
