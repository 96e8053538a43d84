/* cau-file-types.c: the attachment allow-list (see cau-file-types.h).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cau-file-types.h"

#include <string.h>

#define OOXML "application/vnd.openxmlformats-officedocument."
#define ODF   "application/vnd.oasis.opendocument."
#define ZIPS  "application/zip application/x-zip-compressed"

static const CauFileType types[] = {
  { "image/png",  "png", "image/x-png", "png" },
  { "image/jpeg", "jpg jpeg jpe jfif", "image/jpg image/pjpeg", "jpeg" },
  { "image/gif",  "gif", NULL, "gif" },
  { "image/webp", "webp", NULL, "webp" },
  { "application/pdf", "pdf", "application/x-pdf", NULL },
  { OOXML "wordprocessingml.document", "docx", ZIPS, NULL },
  { OOXML "spreadsheetml.sheet", "xlsx", ZIPS, NULL },
  { OOXML "presentationml.presentation", "pptx", ZIPS, NULL },
  { ODF "text", "odt", ZIPS, NULL },
  { ODF "spreadsheet", "ods", ZIPS, NULL },
  { ODF "presentation", "odp", ZIPS, NULL },
  { "application/msword", "doc dot", "application/x-ole-storage", NULL },
  { "application/vnd.ms-excel", "xls xlt", "application/x-ole-storage", NULL },
  { "application/vnd.ms-powerpoint", "ppt pps pot", "application/x-ole-storage", NULL },
  { "application/zip", "zip", "application/x-zip-compressed application/x-zip", NULL },
  { "application/x-7z-compressed", "7z", NULL, NULL },
  /* Windows declares .csv files as Excel's. */
  { "text/csv", "csv", "text/plain application/csv text/comma-separated-values application/vnd.ms-excel", NULL },
  { "text/plain", "txt text log md markdown rst ini conf cfg json yaml yml tsv",
    "text/markdown text/x-markdown application/json text/yaml application/x-yaml text/tab-separated-values", NULL },
};

const CauFileType *
cau_file_type_find (const char *mime)
{
  for (guint i = 0; mime != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (types[i].mime, mime))
      return &types[i];
  return NULL;
}

gboolean
cau_file_type_word_in (const char *word,
                       const char *list)
{
  gsize n = strlen (word);

  for (const char *p = list; p && (p = strstr (p, word)) != NULL; p += n)
    if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
      return TRUE;
  return FALSE;
}

char *
cau_file_type_extension (const char *name)
{
  const char *base = name ? strrchr (name, '/') : NULL;
  const char *dot;

  base = base ? base + 1 : name;
  dot = base ? strrchr (base, '.') : NULL;
  if (dot == NULL || dot == base || dot[1] == '\0')
    return NULL;
  return g_ascii_strdown (dot + 1, -1);
}

gboolean
cau_file_type_allowed (const char *name,
                       const char *mime)
{
  g_autofree char *ext = cau_file_type_extension (name);

  /* With no extension to contradict it, any UTF-8 text is plain text to
   * the server; guesses name it text/x-readme, text/x-makefile, … */
  if (ext == NULL && mime != NULL && g_str_has_prefix (mime, "text/"))
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      if (ext != NULL && cau_file_type_word_in (ext, types[i].exts))
        return TRUE;
      if (ext == NULL && mime != NULL &&
          (g_str_equal (mime, types[i].mime) || cau_file_type_word_in (mime, types[i].aliases)))
        return TRUE;
    }
  return FALSE;
}
