/* cs-mailer.c: invitation mail rendering and delivery.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-mailer"

#include "cs-mailer.h"
#include "cs-invitations.h"
#include "cs-auth.h"
#include "cau-time.h"

#include <curl/curl.h>
#include <string.h>
#include <glib/gstdio.h>

#define MAX_ATTEMPTS   12
#define FIRST_RETRY_MS (30 * 1000)
#define LAST_RETRY_MS  (60 * 60 * 1000)
#define POLL_MS        5000
/* A claimed mail is this node's for this long (SMTP gives up after 70 s):
 * then another node may try it, had this one died sending it. */
#define CLAIM_MS       (10 * 60 * 1000)

struct _CsMailer {
  CsConfig *config;
  CsStore  *store;
  CsSealer *sealer;
  GThread  *thread;
  gboolean  stop;
  GMutex    poke_lock;
  GCond     poke_cond;
  gboolean  poked;
};

void
cs_mailer_poke (CsMailer *mailer)
{
  if (mailer == NULL)
    return;
  g_mutex_lock (&mailer->poke_lock);
  mailer->poked = TRUE;
  g_cond_signal (&mailer->poke_cond);
  g_mutex_unlock (&mailer->poke_lock);
}

/* ---- rendering --------------------------------------------------------- */

static gboolean
is_french (const char *language)
{
  return language && g_ascii_strncasecmp (language, "fr", 2) == 0;
}

static void
append_base64 (GString    *out,
               const char *text)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  gsize len = strlen (b64);

  for (gsize i = 0; i < len; i += 76)
    {
      g_string_append_len (out, b64 + i, MIN (76, len - i));
      g_string_append (out, "\r\n");
    }
}

static char *
encode_header (const char *text)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) text, strlen (text));

  return g_strdup_printf ("=?UTF-8?B?%s?=", b64);
}

char *
cs_mailer_render (const CsInviteMail *m)
{
  gboolean fr = is_french (m->language);
  g_autoptr(GDateTime) expires = g_date_time_new_from_unix_utc (m->expires_at / 1000);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format (expires, fr ? "%d/%m/%Y %H:%M UTC" : "%Y-%m-%d %H:%M UTC");
  g_autofree char *date = g_date_time_format (now, "%a, %d %b %Y %H:%M:%S +0000");
  g_autofree char *subject = fr ? g_strdup_printf ("%s vous invite à rejoindre « %s » sur Causerie", m->inviter, m->room)
                                : g_strdup_printf ("%s invited you to “%s” on Causerie", m->inviter, m->room);
  g_autofree char *subject_h = encode_header (subject);
  g_autofree char *boundary = g_strdup_printf ("causerie-%s", m->message_id);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GString) html = g_string_new (NULL);
  g_autofree char *e_inviter = g_markup_escape_text (m->inviter, -1);
  g_autofree char *e_room = g_markup_escape_text (m->room, -1);
  g_autofree char *e_tenant = g_markup_escape_text (m->tenant, -1);
  g_autofree char *e_message = g_markup_escape_text (m->message ? m->message : "", -1);
  g_autofree char *e_link = g_markup_escape_text (m->link, -1);
  GString *out = g_string_new (NULL);
  gboolean has_message = m->message && *m->message;

  if (fr)
    {
      g_string_append_printf (text, "Bonjour,\n\n%s vous invite à rejoindre « %s » dans l’espace %s sur Causerie.\n\n",
                              m->inviter, m->room, m->tenant);
      if (has_message)
        g_string_append_printf (text, "Son message :\n\n  %s\n\n", m->message);
      g_string_append_printf (text, "Ouvrir l’invitation : %s\n\nL’invitation expire le %s. "
                              "Si vous ne l’attendiez pas, ignorez simplement ce message.\n", m->link, when);
    }
  else
    {
      g_string_append_printf (text, "Hello,\n\n%s invited you to join “%s” in %s on Causerie.\n\n",
                              m->inviter, m->room, m->tenant);
      if (has_message)
        g_string_append_printf (text, "Their message:\n\n  %s\n\n", m->message);
      g_string_append_printf (text, "Open the invitation: %s\n\nThe invitation expires on %s. "
                              "If you did not expect it, you can ignore this email.\n", m->link, when);
    }

  g_string_append_printf (html,
    "<!DOCTYPE html><html lang=\"%s\"><head><meta charset=\"utf-8\"><title>%s</title></head>"
    "<body style=\"font-family:sans-serif;max-width:36em;margin:auto;color:#1e1e1e\"><p>%s</p>",
    fr ? "fr" : "en", fr ? "Invitation Causerie" : "Causerie invitation", fr ? "Bonjour," : "Hello,");
  if (fr)
    g_string_append_printf (html, "<p><strong>%s</strong> vous invite à rejoindre « <strong>%s</strong> » dans l’espace %s sur Causerie.</p>",
                            e_inviter, e_room, e_tenant);
  else
    g_string_append_printf (html, "<p><strong>%s</strong> invited you to join “<strong>%s</strong>” in %s on Causerie.</p>",
                            e_inviter, e_room, e_tenant);
  if (has_message)
    g_string_append_printf (html, "<blockquote style=\"border-left:3px solid #3584e4;margin:1em 0;padding-left:1em\">%s</blockquote>",
                            e_message);
  g_string_append_printf (html,
    "<p><a href=\"%s\" style=\"display:inline-block;background:#3584e4;color:#fff;padding:.6em 1.2em;"
    "border-radius:6px;text-decoration:none\">%s</a></p><p style=\"color:#5e5c64\">%s %s</p></body></html>",
    e_link, fr ? "Ouvrir l’invitation" : "Open the invitation",
    fr ? "L’invitation expire le" : "The invitation expires on", when);

  g_string_append_printf (out,
    "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@causerie>\r\n"
    "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n"
    "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n"
    "--%s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    m->from, m->email, subject_h, date, m->message_id, boundary, boundary);
  append_base64 (out, text->str);
  g_string_append_printf (out, "--%s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
                          boundary);
  append_base64 (out, html->str);
  g_string_append_printf (out, "--%s--\r\n", boundary);
  return g_string_free (out, FALSE);
}

/* ---- the queue --------------------------------------------------------- */

typedef struct {
  char  *id;
  char  *email;
  char  *token;
  char  *inviter;
  char  *room;
  char  *tenant;
  char  *language;
  char  *message;
  gint64 expires_at;
  gint64 attempts;
  gboolean claimed;
  gboolean ok;
  char  *error;
} Mail;

static void
mail_free (gpointer data)
{
  Mail *m = data;

  g_free (m->id); g_free (m->email);
  if (m->token)
    memset (m->token, 0, strlen (m->token));
  g_free (m->token); g_free (m->inviter); g_free (m->room); g_free (m->tenant);
  g_free (m->language); g_free (m->message); g_free (m->error);
  g_free (m);
}

static void
fetch_due (CsCtx *ctx)
{
  GPtrArray *mails = ctx->input;
  g_autoptr(GPtrArray) due = cs_invitations_mail_due (ctx->db, cau_time_now_ms (), 10);

  for (guint k = 0; k < due->len; k++)
    {
      CsInvitation *i = g_ptr_array_index (due, k);
      Mail *m = g_new0 (Mail, 1);

      m->id = g_steal_pointer (&i->id);
      m->email = g_steal_pointer (&i->email);
      m->token = cs_sealer_unseal (ctx->sealer, i->token_box);
      m->inviter = g_steal_pointer (&i->inviter_name);
      m->room = g_steal_pointer (&i->room_name);
      m->tenant = g_steal_pointer (&i->tenant_name);
      m->language = g_steal_pointer (&i->tenant_language);
      m->message = g_steal_pointer (&i->message);
      m->expires_at = i->expires_at;
      m->attempts = i->mail_attempts;
      g_ptr_array_add (mails, m);
    }
}

/* Nodes sharing a store read the same queue: the one whose claim
 * commits first sends, the others skip it. */
static void
claim (CsCtx *ctx)
{
  Mail *m = ctx->input;
  gint64 now = cau_time_now_ms ();

  if (!cs_invitations_mail_claim (ctx->db, m->id, now, now + CLAIM_MS, &m->claimed))
    cs_ctx_fail_db (ctx, "claiming an invitation mail");
}

static void
record_result (CsCtx *ctx)
{
  Mail *m = ctx->input;
  gint64 delay = MIN ((gint64) FIRST_RETRY_MS << MIN (m->attempts, 20), (gint64) LAST_RETRY_MS);

  if (m->ok)
    cs_invitations_mail_sent (ctx->db, m->id);
  else
    cs_invitations_mail_failed (ctx->db, m->id, m->attempts + 1 >= MAX_ATTEMPTS, m->error,
                                cau_time_now_ms () + delay);
}

typedef struct {
  const char *data;
  gsize       len;
  gsize       pos;
} Upload;

static size_t
read_cb (char   *buffer,
         size_t  size,
         size_t  nitems,
         void   *data)
{
  Upload *u = data;
  size_t n = MIN (size * nitems, u->len - u->pos);

  memcpy (buffer, u->data + u->pos, n);
  u->pos += n;
  return n;
}

/* The bare address of a From header: "Name <a@b>" or "a@b". */
static char *
bare_address (const char *from)
{
  const char *lt = strchr (from, '<');
  const char *gt = lt ? strchr (lt, '>') : NULL;

  if (lt && gt)
    return g_strndup (lt, gt - lt + 1);
  return g_strdup_printf ("<%s>", from);
}

static gboolean
send_smtp (CsMailer   *mailer,
           const char *from,
           const char *to,
           const char *data,
           char      **error)
{
  CURL *curl = curl_easy_init ();
  struct curl_slist *rcpt = NULL;
  g_autofree char *mail_from = bare_address (from);
  g_autofree char *rcpt_to = g_strdup_printf ("<%s>", to);
  Upload upload = { data, strlen (data), 0 };
  char errbuf[CURL_ERROR_SIZE] = "";
  CURLcode rc;

  if (curl == NULL)
    {
      *error = g_strdup ("libcurl could not start");
      return FALSE;
    }
  rcpt = curl_slist_append (rcpt, rcpt_to);
  curl_easy_setopt (curl, CURLOPT_URL, mailer->config->smtp_url);
  if (g_str_has_prefix (mailer->config->smtp_url, "smtp://") && mailer->config->smtp_starttls)
    curl_easy_setopt (curl, CURLOPT_USE_SSL, (long) CURLUSESSL_ALL);
  if (mailer->config->smtp_user)
    curl_easy_setopt (curl, CURLOPT_USERNAME, mailer->config->smtp_user);
  if (mailer->config->smtp_password)
    curl_easy_setopt (curl, CURLOPT_PASSWORD, mailer->config->smtp_password);
  curl_easy_setopt (curl, CURLOPT_MAIL_FROM, mail_from);
  curl_easy_setopt (curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt (curl, CURLOPT_READFUNCTION, read_cb);
  curl_easy_setopt (curl, CURLOPT_READDATA, &upload);
  curl_easy_setopt (curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt (curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt (curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt (curl, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt (curl, CURLOPT_ERRORBUFFER, errbuf);
  rc = curl_easy_perform (curl);
  if (rc != CURLE_OK)
    *error = g_strdup (*errbuf ? errbuf : curl_easy_strerror (rc));
  curl_slist_free_all (rcpt);
  curl_easy_cleanup (curl);
  return rc == CURLE_OK;
}

static gboolean
write_outbox (CsMailer   *mailer,
              Mail       *m,
              const char *data,
              char      **error)
{
  g_autofree char *dir = g_build_filename (mailer->config->data_dir, "outbox", NULL);
  g_autofree char *name = g_strdup_printf ("%" G_GINT64_FORMAT "-invitation-%s.eml", cau_time_now_ms (), m->id);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) local_error = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, data, -1, G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      *error = g_strdup (local_error ? local_error->message : "cannot create the outbox");
      return FALSE;
    }
  g_message ("No SMTP server is configured: the invitation mail was written to %s", path);
  return TRUE;
}

static void
deliver (CsMailer *mailer,
         Mail     *m)
{
  g_autofree char *link = NULL;
  g_autofree char *from = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GUri) pub = g_uri_parse (cs_config_get_public_url (mailer->config), G_URI_FLAGS_NONE, NULL);
  CsInviteMail mail = { 0 };

  if (m->token == NULL)
    {
      m->error = g_strdup ("the invitation token cannot be unsealed (was seal.key replaced?)");
      return;
    }
  link = g_strdup_printf ("%s/invite/%s", cs_config_get_public_url (mailer->config), m->token);
  from = mailer->config->smtp_from ? g_strdup (mailer->config->smtp_from)
                                   : g_strdup_printf ("Causerie <noreply@%s>", pub ? g_uri_get_host (pub) : "localhost");
  mail.email = m->email;
  mail.link = link;
  mail.inviter = m->inviter;
  mail.room = m->room;
  mail.tenant = m->tenant;
  mail.language = m->language;
  mail.message = m->message;
  mail.expires_at = m->expires_at;
  mail.from = from;
  mail.message_id = m->id;
  text = cs_mailer_render (&mail);
  m->ok = mailer->config->smtp_url ? send_smtp (mailer, from, m->email, text, &m->error)
                                   : write_outbox (mailer, m, text, &m->error);
  if (!m->ok)
    g_warning ("Invitation mail not sent (attempt %" G_GINT64_FORMAT "): %s", m->attempts + 1, m->error);
  memset (text, 0, strlen (text));
  memset (link, 0, strlen (link));
}

static gpointer
mailer_thread (gpointer data)
{
  CsMailer *mailer = data;

  while (!mailer->stop)
    {
      g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func (mail_free);
      g_autoptr(CsCtx) ctx = cs_ctx_new (mailer->config, mailer->store, NULL);
      gint64 until;
      guint claimed = 0;

      ctx->input = mails;
      ctx->sealer = mailer->sealer;
      cs_store_run_read (mailer->store, fetch_due, ctx);
      for (guint i = 0; i < mails->len && !mailer->stop; i++)
        {
          Mail *m = g_ptr_array_index (mails, i);
          g_autoptr(CsCtx) cctx = cs_ctx_new (mailer->config, mailer->store, NULL);
          g_autoptr(CsCtx) wctx = cs_ctx_new (mailer->config, mailer->store, NULL);

          cctx->input = m;
          if (!cs_store_run_write (mailer->store, claim, cctx) || !m->claimed)
            continue;   /* another node's, or the store failed: read again next time */
          claimed++;
          deliver (mailer, m);
          wctx->input = m;
          cs_store_run_write (mailer->store, record_result, wctx);
        }
      if (claimed > 0)
        continue;

      until = g_get_monotonic_time () + POLL_MS * G_TIME_SPAN_MILLISECOND;
      g_mutex_lock (&mailer->poke_lock);
      while (!mailer->poked && !mailer->stop)
        if (!g_cond_wait_until (&mailer->poke_cond, &mailer->poke_lock, until))
          break;
      mailer->poked = FALSE;
      g_mutex_unlock (&mailer->poke_lock);
    }
  return NULL;
}

CsMailer *
cs_mailer_new (CsConfig *config,
               CsStore  *store,
               CsSealer *sealer)
{
  CsMailer *mailer = g_new0 (CsMailer, 1);

  curl_global_init (CURL_GLOBAL_DEFAULT);
  mailer->config = config;
  mailer->store = store;
  mailer->sealer = sealer;
  g_mutex_init (&mailer->poke_lock);
  g_cond_init (&mailer->poke_cond);
  mailer->thread = g_thread_new ("cs-mailer", mailer_thread, mailer);
  return mailer;
}

void
cs_mailer_free (CsMailer *mailer)
{
  if (mailer == NULL)
    return;
  g_mutex_lock (&mailer->poke_lock);
  mailer->stop = TRUE;
  g_cond_signal (&mailer->poke_cond);
  g_mutex_unlock (&mailer->poke_lock);
  g_thread_join (mailer->thread);
  g_mutex_clear (&mailer->poke_lock);
  g_cond_clear (&mailer->poke_cond);
  g_free (mailer);
}
