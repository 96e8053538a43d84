/* test-ui-icons.c: every icon the desktop app draws resolves, through the
 * display's icon theme, to a PNG, and drawing them never loads librsvg.
 * One SVG anywhere makes gdk-pixbuf load its SVG loader and librsvg with
 * it (6.5 MB of RSS, more than the rest of our icons by far).
 *
 * The names come from the templates and style.css in our GResource and
 * from the string literals ending in "-symbolic" in the C files of
 * src/client/ui (CW_UI_SOURCE_DIR), so a new icon is checked without
 * touching this file.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <string.h>

#include "cw-resources.h"

#define RESOURCE_PATH "/org/causerie/Causerie"

/* Adwaita icons that Debian 12's adwaita-icon-theme 43 has as SVG only at
 * the size we draw them: its PNGs are in Fixed 16x16, 24x24... directories,
 * so a look-up at another size (12 px) picks the Scalable SVG. Each one
 * shown loads librsvg for the rest of the run, so we draw them at 16 px. */
static const struct {
  const char *name;
  int         size;
  const char *reason;
} known_svg[] = {
  { "image-missing-symbolic", 128, "image viewer's error page, only when an image fails" },
  { NULL, 0, NULL },
};

/* Icons that code puts into a template's image of a fixed size: the
 * templates name no icon there and the sources give no size. */
static const struct {
  const char *name;
  int         size;
  const char *where;
} set_by_code[] = {
  { "channel-secure-symbolic", 16, "cw-room-row.ui type_icon" },
  { "user-available-symbolic", 16, "cw-member-row.ui" },
  { "user-idle-symbolic", 16, "cw-member-row.ui" },
  { "user-offline-symbolic", 16, "cw-member-row.ui" },
};

typedef struct {
  char *name;
  int   size;
  char *where;
} IconUse;

static void
icon_use_free (gpointer data)
{
  IconUse *use = data;

  g_free (use->name);
  g_free (use->where);
  g_free (use);
}

static void
add_use (GPtrArray  *uses,
         const char *name,
         int         size,
         const char *where)
{
  IconUse *use = g_new0 (IconUse, 1);

  use->name = g_strdup (name);
  use->size = size;
  use->where = g_strdup (where);
  g_ptr_array_add (uses, use);
}

/* Templates --------------------------------------------------------------- */

/* One <object> or <template> being read: an icon-name property, the size
 * it is drawn at. */
typedef struct {
  char    *class_name;
  char    *icon_name;
  int      pixel_size;
  gboolean compact;
} UiObject;

typedef struct {
  const char *file;
  GPtrArray  *uses;
  GSList     *objects;      /* UiObject, innermost first */
  const char *property;     /* "icon-name" or "pixel-size" inside <property> */
  GString    *text;
  gboolean    in_style;
} UiParser;

static void
ui_start_element (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **names,
                  const char          **values,
                  gpointer              data,
                  GError              **error)
{
  UiParser *parser = data;

  if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      UiObject *object = g_new0 (UiObject, 1);

      for (guint i = 0; names[i]; i++)
        if (g_str_equal (names[i], "class"))
          object->class_name = g_strdup (values[i]);
      parser->objects = g_slist_prepend (parser->objects, object);
    }
  else if (g_str_equal (element, "property") && parser->objects != NULL)
    {
      for (guint i = 0; names[i]; i++)
        if (g_str_equal (names[i], "name") &&
            (g_str_equal (values[i], "icon-name") || g_str_equal (values[i], "pixel-size")))
          parser->property = g_intern_string (values[i]);
      g_string_truncate (parser->text, 0);
    }
  else if (g_str_equal (element, "style"))
    parser->in_style = TRUE;
  else if (g_str_equal (element, "class") && parser->in_style && parser->objects != NULL)
    {
      UiObject *object = parser->objects->data;

      for (guint i = 0; names[i]; i++)
        if (g_str_equal (names[i], "name") && g_str_equal (values[i], "compact"))
          object->compact = TRUE;
    }
}

static void
ui_text (GMarkupParseContext  *context,
         const char           *text,
         gsize                 len,
         gpointer              data,
         GError              **error)
{
  UiParser *parser = data;

  if (parser->property != NULL)
    g_string_append_len (parser->text, text, len);
}

static void
ui_end_element (GMarkupParseContext  *context,
                const char           *element,
                gpointer              data,
                GError              **error)
{
  UiParser *parser = data;

  if (g_str_equal (element, "property") && parser->property != NULL)
    {
      UiObject *object = parser->objects->data;
      const char *value = g_strstrip (parser->text->str);

      if (parser->property == g_intern_static_string ("icon-name"))
        {
          g_free (object->icon_name);
          object->icon_name = g_strdup (value);
        }
      else
        object->pixel_size = atoi (value);
      parser->property = NULL;
    }
  else if (g_str_equal (element, "style"))
    parser->in_style = FALSE;
  else if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      UiObject *object = parser->objects->data;

      if (object->icon_name != NULL)
        {
          g_autofree char *where = g_strdup_printf ("%s (%s)", parser->file, object->class_name);
          int size = 16;

          /* libadwaita 1.2's CSS: 128 px, 96 px when compact. */
          if (g_strcmp0 (object->class_name, "AdwStatusPage") == 0)
            size = object->compact ? 96 : 128;
          if (object->pixel_size > 0)
            size = object->pixel_size;
          add_use (parser->uses, object->icon_name, size, where);
        }
      parser->objects = g_slist_remove (parser->objects, object);
      g_free (object->class_name);
      g_free (object->icon_name);
      g_free (object);
    }
}

static void
collect_templates (GPtrArray *uses)
{
  static const GMarkupParser markup = { ui_start_element, ui_end_element, ui_text, NULL, NULL };
  g_auto(GStrv) children = NULL;
  g_autoptr(GError) error = NULL;
  guint n_files = 0;

  children = g_resources_enumerate_children (RESOURCE_PATH "/", 0, &error);
  g_assert_no_error (error);

  for (guint i = 0; children[i]; i++)
    {
      g_autofree char *path = g_strconcat (RESOURCE_PATH "/", children[i], NULL);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GMarkupParseContext) context = NULL;
      g_autoptr(GString) text = g_string_new (NULL);
      UiParser parser = { children[i], uses, NULL, NULL, text, FALSE };
      gsize size;
      const char *data;

      if (!g_str_has_suffix (children[i], ".ui"))
        continue;
      bytes = g_resources_lookup_data (path, 0, &error);
      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &size);
      context = g_markup_parse_context_new (&markup, 0, &parser, NULL);
      g_markup_parse_context_parse (context, data, size, &error);
      g_assert_no_error (error);
      g_markup_parse_context_end_parse (context, &error);
      g_assert_no_error (error);
      g_assert_null (parser.objects);
      n_files++;
    }
  g_assert_cmpuint (n_files, >, 10);
}

/* style.css and the C sources ---------------------------------------------- */

static void
collect_matches (GPtrArray  *uses,
                 const char *pattern,
                 const char *text,
                 const int  *sizes,
                 const char *where)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, G_REGEX_OPTIMIZE, 0, NULL);
  g_autoptr(GMatchInfo) match = NULL;

  g_regex_match (regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      g_autofree char *name = g_match_info_fetch (match, 1);

      for (guint i = 0; sizes[i]; i++)
        add_use (uses, name, sizes[i], where);
      g_match_info_next (match, NULL);
    }
}

static void
collect_css (GPtrArray *uses)
{
  /* Spinners are 16 px by default, 24 and 32 px in some templates. */
  static const int sizes[] = { 16, 24, 32, 0 };
  g_autoptr(GBytes) css = g_resources_lookup_data (RESOURCE_PATH "/style.css", 0, NULL);
  g_autofree char *text = NULL;

  g_assert_nonnull (css);
  text = g_strndup (g_bytes_get_data (css, NULL), g_bytes_get_size (css));
  collect_matches (uses, "-gtk-icontheme\\(\"([^\"]+)\"\\)", text, sizes, "style.css");
}

static void
collect_sources (GPtrArray *uses)
{
  static const int sizes[] = { 16, 32, 0 };
  const char *dir_path = g_getenv ("CW_UI_SOURCE_DIR");
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;
  guint n_files = 0;

  g_assert_nonnull (dir_path);
  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *text = NULL;

      if (!g_str_has_suffix (name, ".c"))
        continue;
      g_file_get_contents (path, &text, NULL, &error);
      g_assert_no_error (error);
      collect_matches (uses, "\"([A-Za-z0-9_.-]+-symbolic)\"", text, sizes, name);
      n_files++;
    }
  g_assert_cmpuint (n_files, >, 10);
}

/* Look-ups ------------------------------------------------------------------ */

static GtkIconTheme *
get_icon_theme (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  /* What GtkApplication does with our resource-base-path. */
  if (!gtk_icon_theme_has_icon (theme, "cw-sent-symbolic"))
    gtk_icon_theme_add_resource_path (theme, RESOURCE_PATH "/icons");
  return theme;
}

/* Why @name at @size may be an SVG, or NULL. */
static const char *
known_svg_reason (const char *name,
                  int         size)
{
  for (guint i = 0; known_svg[i].name != NULL; i++)
    if (g_str_equal (known_svg[i].name, name) && known_svg[i].size == size)
      return known_svg[i].reason;
  return NULL;
}

/* The file GTK would load for @name at @size, or NULL with the reason. */
static char *
lookup_file (GtkIconTheme *theme,
             const char   *name,
             int           size,
             int           scale,
             char        **problem)
{
  g_autoptr(GtkIconPaintable) paintable = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *uri = NULL;

  if (!gtk_icon_theme_has_icon (theme, name))
    {
      *problem = g_strdup ("not in the icon theme");
      return NULL;
    }
  paintable = gtk_icon_theme_lookup_icon (theme, name, NULL, size, scale, GTK_TEXT_DIR_NONE, 0);
  file = gtk_icon_paintable_get_file (paintable);
  if (file == NULL)
    {
      *problem = g_strdup ("no file");
      return NULL;
    }
  uri = g_file_get_uri (file);
  if (!g_str_has_suffix (uri, ".png"))
    {
      *problem = g_strdup_printf ("resolves to %s", uri);
      return NULL;
    }
  return g_steal_pointer (&uri);
}

static void
test_icons_are_png (void)
{
  g_autoptr(GPtrArray) uses = g_ptr_array_new_with_free_func (icon_use_free);
  guint n_failures = 0;
  GtkIconTheme *theme;

  if (gdk_display_get_default () == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  theme = get_icon_theme ();
  collect_templates (uses);
  collect_css (uses);
  collect_sources (uses);
  for (guint i = 0; i < G_N_ELEMENTS (set_by_code); i++)
    add_use (uses, set_by_code[i].name, set_by_code[i].size, set_by_code[i].where);
  g_assert_cmpuint (uses->len, >, 40);

  for (guint i = 0; i < uses->len; i++)
    {
      IconUse *use = uses->pdata[i];

      for (int scale = 1; scale <= 2; scale++)
        {
          g_autofree char *problem = NULL;
          g_autofree char *uri = lookup_file (theme, use->name, use->size, scale, &problem);

          if (uri != NULL)
            g_test_message ("%s at %d px (scale %d): %s", use->name, use->size, scale, uri);
          else if (scale == 1 && known_svg_reason (use->name, use->size) != NULL)
            g_test_message ("known SVG: %s at %d px, %s: %s", use->name, use->size,
                            known_svg_reason (use->name, use->size), problem);
          else if (scale == 1)
            {
              g_test_message ("NOT A PNG: %s at %d px in %s: %s",
                              use->name, use->size, use->where, problem);
              n_failures++;
            }
          else
            g_test_message ("%s at %d px, scale 2: %s", use->name, use->size, problem);
        }
    }

  if (n_failures > 0)
    g_test_fail_printf ("%u icons are not PNGs (NOT A PNG above)", n_failures);
}

/* The application icon at the sizes GtkWindow's X11 icon list loads. */
static void
test_app_icon_sizes (void)
{
  g_autofree int *sizes = NULL;
  GtkIconTheme *theme;
  guint n = 0;

  if (gdk_display_get_default () == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  theme = get_icon_theme ();
  sizes = gtk_icon_theme_get_icon_sizes (theme, "org.causerie.Causerie");
  for (guint i = 0; sizes[i] != 0; i++, n++)
    {
      int size = sizes[i] == -1 ? 48 : sizes[i];    /* as gtkwindow.c does */
      g_autofree char *problem = NULL;
      g_autofree char *uri = lookup_file (theme, "org.causerie.Causerie", size, 1, &problem);

      if (uri == NULL)
        g_test_fail_printf ("org.causerie.Causerie at %d px: %s", size, problem);
    }
  g_assert_cmpuint (n, >=, 4);
}

/* Draws what the benchmark's path shows (a window with our icon, a spinner
 * spinning, the status page, the ticks) and checks librsvg was never
 * loaded: the look-ups above can only tell which file GTK picks. */
static gboolean
count_frames_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  guint *n_frames = data;

  (*n_frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
librsvg_loaded (void)
{
  g_autofree char *maps = NULL;

  g_assert_true (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL));
  return strstr (maps, "librsvg") != NULL;
}

static void
test_drawing_loads_no_librsvg (void)
{
  static const char *ticks[] = { "cw-pending-symbolic", "cw-sent-symbolic", "cw-read-symbolic" };
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  GtkWidget *window, *box, *page, *spinner;
  guint n_frames = 0;
  gint64 end;

  if (gdk_display_get_default () == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  if (!g_file_test ("/proc/self/maps", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /proc/self/maps");
      return;
    }
  g_assert_false (librsvg_loaded ());

  get_icon_theme ();
  /* What AdwApplication does with our resource-base-path. */
  gtk_css_provider_load_from_resource (css, RESOURCE_PATH "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  gtk_window_set_default_icon_name ("org.causerie.Causerie");

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 500);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_window_set_child (GTK_WINDOW (window), box);

  spinner = gtk_spinner_new ();
  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), g_object_new (GTK_TYPE_SPINNER, "spinning", TRUE,
                                               "width-request", 32, "height-request", 32, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (ticks); i++)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (ticks[i]));
  page = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (page), "cw-causerie-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (page), "No Conversation Selected");
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), page);

  gtk_widget_add_tick_callback (spinner, count_frames_cb, &n_frames, NULL);
  gtk_window_present (GTK_WINDOW (window));
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (n_frames < 5 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (n_frames, >=, 5);
  g_assert_true (gtk_widget_get_mapped (page));

  g_assert_false (librsvg_loaded ());

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_style_context_remove_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL)
    {
      gtk_init ();
      adw_init ();
    }
  cw_register_resource ();

  g_test_add_func ("/ui/icons/png-only", test_icons_are_png);
  g_test_add_func ("/ui/icons/app-icon-sizes", test_app_icon_sizes);
  g_test_add_func ("/ui/icons/drawing-loads-no-librsvg", test_drawing_loads_no_librsvg);

  return g_test_run ();
}
