/* cs-mailer.h: sends the invitation mails. With [smtp] configured it
 * speaks SMTP (STARTTLS or implicit TLS, with authentication) through
 * libcurl; otherwise it writes each mail as an .eml file into the data
 * directory's outbox/. A mail that cannot go out is retried with backoff;
 * the invitation itself stays valid whatever happens to its mail.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-auth.h"
#include "cs-store.h"

G_BEGIN_DECLS

typedef struct _CsMailer CsMailer;

typedef struct {
  const char *email;
  const char *link;
  const char *inviter;
  const char *room;
  const char *tenant;
  const char *language;   /* the tenant's, e.g. "fr"; NULL for English */
  const char *message;    /* the inviter's words, may be empty */
  gint64      expires_at;
  const char *from;
  const char *message_id;
} CsInviteMail;

CsMailer *cs_mailer_new    (CsConfig *config,
                            CsStore  *store,
                            CsSealer *sealer);
void      cs_mailer_free   (CsMailer *mailer);
/* Any thread: there may be mail to send now. */
void      cs_mailer_poke   (CsMailer *mailer);
/* The whole RFC 5322 message, CRLF line ends. */
char     *cs_mailer_render (const CsInviteMail *mail);

G_END_DECLS
