/* cs-sniff.c: magic numbers, ZIP and OLE2 directories, UTF-8 text, and
 * file names kept as metadata.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-sniff"

#include "cs-sniff.h"
#include "cau-validate.h"
#include "cau-error.h"
#include "cau-file-types.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_CHARS 200
#define HEAD_BYTES     4096
#define BLOCK_BYTES    (64 * 1024)

#define OOXML "application/vnd.openxmlformats-officedocument."
#define ODF   "application/vnd.oasis.opendocument."

/* The allow-list is shared with the app (src/common/cau-file-types.c). */
typedef CauFileType FileType;

static const FileType *
find_type (const char *mime)
{
  const FileType *type = cau_file_type_find (mime);

  g_assert (type != NULL);
  return type;
}

#define word_in cau_file_type_word_in

const char *
cs_sniff_image_loader (const char *mime_type)
{
  const FileType *type = cau_file_type_find (mime_type);

  return type ? type->loader : NULL;
}

/* ---- reading ----------------------------------------------------------- */

static gsize
read_at (FILE   *f,
         gint64  offset,
         void   *buf,
         gsize   len)
{
  if (offset < 0 || fseeko (f, offset, SEEK_SET) != 0)
    return 0;
  return fread (buf, 1, len, f);
}

static guint
u16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static guint32
u32 (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* ---- ZIP: OOXML by its central directory, ODF by its "mimetype" entry --- */

static const char *
odf_type (const guint8 *head,
          gsize         len)
{
  guint name_len, extra_len;
  guint32 data_len;
  const guint8 *data;

  if (len < 30 || u16 (head + 8) != 0)   /* ODF stores "mimetype" first, uncompressed */
    return NULL;
  name_len = u16 (head + 26);
  extra_len = u16 (head + 28);
  data_len = u32 (head + 18);
  if (name_len != 8 || memcmp (head + 30, "mimetype", 8) != 0 || 38 + extra_len + data_len > len)
    return NULL;
  data = head + 38 + extra_len;
#define IS(s) (data_len == strlen (s) && memcmp (data, s, data_len) == 0)
  if (IS (ODF "text"))
    return ODF "text";
  if (IS (ODF "spreadsheet"))
    return ODF "spreadsheet";
  if (IS (ODF "presentation"))
    return ODF "presentation";
#undef IS
  return NULL;
}

/* Finds the central directory from the end-of-directory record. */
static guint8 *
zip_central_directory (FILE   *f,
                       gint64  size,
                       gsize  *out_len,
                       guint  *out_entries)
{
  gsize tail_len = (gsize) MIN (size, 22 + 65535);
  g_autofree guint8 *tail = g_malloc (tail_len);
  guint8 *cd;
  guint32 cd_size, cd_offset;

  if (read_at (f, size - (gint64) tail_len, tail, tail_len) != tail_len)
    return NULL;
  for (gssize i = (gssize) tail_len - 22; i >= 0; i--)
    {
      if (memcmp (tail + i, "PK\5\6", 4) != 0)
        continue;
      *out_entries = u16 (tail + i + 10);
      cd_size = u32 (tail + i + 12);
      cd_offset = u32 (tail + i + 16);
      if (cd_size > 4 * 1024 * 1024 || (gint64) cd_offset + cd_size > size)
        return NULL;
      cd = g_malloc (cd_size + 1);
      if (read_at (f, cd_offset, cd, cd_size) != cd_size)
        return g_free (cd), NULL;
      *out_len = cd_size;
      return cd;
    }
  return NULL;
}

static const char *
ooxml_type (FILE   *f,
            gint64  size)
{
  gsize len = 0;
  guint entries = 0;
  g_autofree guint8 *cd = zip_central_directory (f, size, &len, &entries);
  gboolean content_types = FALSE;
  const char *part = NULL;
  gsize pos = 0;

  for (guint i = 0; cd && i < entries && pos + 46 <= len; i++)
    {
      const guint8 *e = cd + pos;
      guint name_len = u16 (e + 28);
      const char *name = (const char *) e + 46;

      if (memcmp (e, "PK\1\2", 4) != 0 || pos + 46 + name_len > len)
        break;
      if (name_len == 19 && memcmp (name, "[Content_Types].xml", 19) == 0)
        content_types = TRUE;
      else if (name_len > 5 && memcmp (name, "word/", 5) == 0)
        part = OOXML "wordprocessingml.document";
      else if (name_len > 3 && memcmp (name, "xl/", 3) == 0)
        part = OOXML "spreadsheetml.sheet";
      else if (name_len > 4 && memcmp (name, "ppt/", 4) == 0)
        part = OOXML "presentationml.presentation";
      pos += 46 + name_len + u16 (e + 30) + u16 (e + 32);
    }
  return content_types ? part : NULL;
}

static const char *
zip_type (FILE         *f,
          gint64        size,
          const guint8 *head,
          gsize         len)
{
  const char *type = odf_type (head, len);

  if (type == NULL)
    type = ooxml_type (f, size);
  return type ? type : "application/zip";
}

/* ---- OLE2: Word, Excel or PowerPoint by their directory's stream names -- */

static guint32
ole_next_sector (FILE         *f,
                 const guint8 *header,
                 guint         shift,
                 guint32       sector)
{
  guint per_sector = (1u << shift) / 4;
  guint index = sector / per_sector;
  guint8 entry[4];
  gint64 fat_sector;

  /* The first 109 FAT sectors are listed in the header: plenty for the
   * directory of an office document. */
  if (index >= 109)
    return 0xFFFFFFFE;
  fat_sector = u32 (header + 0x4C + 4 * index);
  if (read_at (f, ((fat_sector + 1) << shift) + (sector % per_sector) * 4, entry, 4) != 4)
    return 0xFFFFFFFE;
  return u32 (entry);
}

static const char *
ole_stream_type (const guint8 *entry)
{
  char name[33] = { 0 };
  guint name_bytes = MIN (u16 (entry + 0x40), 64);

  for (guint i = 0; i + 1 < name_bytes && i / 2 < 32; i += 2)
    name[i / 2] = entry[i + 1] == 0 ? (char) entry[i] : '?';
  if (g_str_equal (name, "WordDocument"))
    return "application/msword";
  if (g_str_equal (name, "Workbook") || g_str_equal (name, "Book"))
    return "application/vnd.ms-excel";
  if (g_str_equal (name, "PowerPoint Document"))
    return "application/vnd.ms-powerpoint";
  return NULL;
}

static const char *
ole_type (FILE         *f,
          const guint8 *header,
          gsize         len)
{
  guint shift;
  guint32 sector;
  guint8 buf[4096];

  if (len < 512)
    return NULL;
  shift = u16 (header + 0x1E);
  if (shift != 9 && shift != 12)
    return NULL;
  sector = u32 (header + 0x30);
  for (guint n = 0; n < 64 && sector < 0xFFFFFFFA; n++)
    {
      gsize size = 1u << shift;

      if (read_at (f, ((gint64) sector + 1) << shift, buf, size) != size)
        return NULL;
      for (gsize e = 0; e + 128 <= size; e += 128)
        {
          const char *type = ole_stream_type (buf + e);
          if (type)
            return type;
        }
      sector = ole_next_sector (f, header, shift, sector);
    }
  return NULL;
}

/* ---- text: valid UTF-8 without NUL or binary control bytes ------------- */

static gboolean
is_text (FILE *f)
{
  g_autofree char *buf = g_malloc (BLOCK_BYTES + 4);
  gsize carry = 0, n;

  if (fseeko (f, 0, SEEK_SET) != 0)
    return FALSE;
  while ((n = fread (buf + carry, 1, BLOCK_BYTES, f)) > 0)
    {
      gsize len = carry + n;
      const char *end = NULL;

      for (gsize i = carry; i < len; i++)
        {
          guchar c = (guchar) buf[i];
          if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F)
            return FALSE;
        }
      if (!g_utf8_validate_len (buf, len, &end))
        {
          /* A character cut by the block boundary comes round again. */
          carry = len - (gsize) (end - buf);
          if (carry > 3)
            return FALSE;
          memmove (buf, end, carry);
        }
      else
        carry = 0;
    }
  return carry == 0 && !ferror (f);
}

/* ---- the allow-list ---------------------------------------------------- */

static const char *
sniff_bytes (FILE         *f,
             gint64        size,
             const guint8 *head,
             gsize         len)
{
#define MAGIC(s) (len >= sizeof (s) - 1 && memcmp (head, s, sizeof (s) - 1) == 0)
  if (MAGIC ("\x89PNG\r\n\x1a\n"))
    return "image/png";
  if (MAGIC ("\xFF\xD8\xFF"))
    return "image/jpeg";
  if (MAGIC ("GIF87a") || MAGIC ("GIF89a"))
    return "image/gif";
  if (MAGIC ("RIFF") && len >= 12 && memcmp (head + 8, "WEBP", 4) == 0)
    return "image/webp";
  if (MAGIC ("%PDF-"))
    return "application/pdf";
  if (MAGIC ("7z\xBC\xAF\x27\x1C"))
    return "application/x-7z-compressed";
  if (MAGIC ("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
    return ole_type (f, head, len);
  if (MAGIC ("PK\3\4") || MAGIC ("PK\5\6"))
    return zip_type (f, size, head, len);
#undef MAGIC
  return is_text (f) ? "text/plain" : NULL;
}

/* The declared Content-Type without parameters, lower case; NULL when it
 * declares nothing in particular. */
static char *
declared_mime (const char *declared)
{
  g_autofree char *lower = NULL;
  char *semi;

  if (declared == NULL)
    return NULL;
  lower = g_ascii_strdown (declared, -1);
  if ((semi = strchr (lower, ';')))
    *semi = '\0';
  g_strstrip (lower);
  if (*lower == '\0' || g_str_equal (lower, "application/octet-stream") ||
      g_str_equal (lower, "binary/octet-stream"))
    return NULL;
  return g_steal_pointer (&lower);
}

static char *
extension (const char *name)
{
  const char *dot = name ? strrchr (name, '.') : NULL;

  if (dot == NULL || dot == name || dot[1] == '\0')
    return NULL;
  return g_ascii_strdown (dot + 1, -1);
}

const char *
cs_sniff_file (const char  *path,
               const char  *declared_type,
               const char  *name,
               GError     **error)
{
  g_autofree char *declared = declared_mime (declared_type);
  g_autofree char *ext = extension (name);
  guint8 head[HEAD_BYTES];
  const FileType *type;
  const char *mime;
  FILE *f = fopen (path, "rb");
  gint64 size;
  gsize len;

  if (f == NULL)
    {
      int saved = errno;
      g_set_error (error, CAU_ERROR, CAU_ERROR_INTERNAL, "Cannot read the upload: %s", g_strerror (saved));
      return NULL;
    }
  fseeko (f, 0, SEEK_END);
  size = ftello (f);
  len = read_at (f, 0, head, sizeof head);
  mime = sniff_bytes (f, size, head, len);
  fclose (f);

  if (mime == NULL)
    {
      g_set_error_literal (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE,
                           "This kind of file cannot be shared here. Allowed: images (PNG, JPEG, GIF, WebP), "
                           "PDF, office documents, plain text and CSV, ZIP and 7z archives.");
      return NULL;
    }
  /* Plain text is CSV when the sender says so. */
  if (g_str_equal (mime, "text/plain") &&
      (g_strcmp0 (ext, "csv") == 0 || g_strcmp0 (declared, "text/csv") == 0))
    mime = "text/csv";
  type = find_type (mime);
  if (declared && !g_str_equal (declared, mime) && !word_in (declared, type->aliases))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE,
                   "The file was sent as %.100s but its contents are %s.", declared, mime);
      return NULL;
    }
  if (ext && !word_in (ext, type->exts))
    {
      g_set_error (error, CAU_ERROR, CAU_ERROR_UNSUPPORTED_MEDIA_TYPE,
                   "The file is named .%.20s but its contents are %s.", ext, mime);
      return NULL;
    }
  return mime;
}

/* ---- names ------------------------------------------------------------- */

static gboolean
unwanted_char (gunichar c)
{
  return g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029 ||
         cau_unichar_is_bidi_control (c) || c == 0xFEFF;
}

/* Keeps the extension when a long name is cut. */
static char *
cap_length (const char *name)
{
  glong chars = g_utf8_strlen (name, -1);
  const char *dot = strrchr (name, '.');
  glong ext_chars = dot ? g_utf8_strlen (dot, -1) : 0;
  g_autofree char *stem = NULL;

  if (chars <= NAME_MAX_CHARS)
    return g_strdup (name);
  if (ext_chars > 16)
    ext_chars = 0;
  stem = g_utf8_substring (name, 0, NAME_MAX_CHARS - ext_chars);
  return g_strconcat (stem, ext_chars ? dot : "", NULL);
}

char *
cs_sniff_clean_name (const char *raw)
{
  g_autofree char *valid = g_utf8_make_valid (raw ? raw : "", -1);
  const char *base = valid;
  GString *s = g_string_new (NULL);
  g_autofree char *trimmed = NULL;
  const char *start;

  for (const char *p = valid; *p; p++)
    if (*p == '/' || *p == '\\')
      base = p + 1;
  for (const char *p = base; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (unwanted_char (c))
        continue;
      g_string_append_unichar (s, c < 0x80 && strchr ("<>:\"|?*", (int) c) ? '_' : c);
    }
  start = s->str;
  while (*start == '.' || *start == ' ')
    start++;
  trimmed = g_strdup (start);
  g_strchomp (trimmed);
  while (*trimmed && trimmed[strlen (trimmed) - 1] == '.')
    trimmed[strlen (trimmed) - 1] = '\0';
  g_string_free (s, TRUE);
  if (*trimmed == '\0')
    return g_strdup ("file");
  return cap_length (trimmed);
}
