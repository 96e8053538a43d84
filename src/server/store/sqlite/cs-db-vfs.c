/* cs-db-vfs.c: SQLite's own file layer, with a commit's WAL writes
 * gathered into one.
 *
 * SQLite writes a commit to the WAL frame by frame: a 24-byte header and
 * a page for each page the transaction changed, each its own pwrite (),
 * then one fsync. One message touches about a dozen pages (the message,
 * its indexes, the event, the room): 26 system calls before the sync, on
 * the writer's path to every acknowledgement. The "causerie" VFS is the
 * default one, except that what is written to a WAL file at increasing
 * offsets is kept in memory and written at once when SQLite next syncs,
 * reads, truncates or asks the size of that file, or the run stops being
 * contiguous or passes WAL_GATHER_MAX.
 *
 * Safe because every connection runs with synchronous=FULL (cs-db.c):
 * SQLite syncs the WAL before it publishes a commit's frames in the
 * WAL index, so no other connection reads a frame before it is written;
 * the writer's own reads write what is gathered first. A transaction
 * that spilled frames and rolled back never syncs them: what is gathered
 * is written when the connection lets go of a WAL lock (xShmLock on its
 * database file, wrapped for that), while it still holds the write lock,
 * as SQLite would have written them. A write that fails is reported by
 * the call that writes it, the sync at the latest, and the transaction
 * fails as it would have (SQLITE_FULL on a full disk).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cs-db"

#include "cs-db.h"

#include <glib.h>
#include <sqlite3.h>
#include <string.h>

/* At most this much is held back; a transaction writing more (a large
 * batch, a spilling cache) writes in runs of this size. The unix VFS
 * writes at most 128 KiB - 1 bytes a call (seekAndWriteFd masks the
 * length with 0x1ffff: a longer write is cut short and read as a full
 * disk), so a run stays under that: thirty 4 KiB frames. */
#define WAL_GATHER_MAX (120 * 1024)

struct _DbFile;

typedef struct {
  sqlite3_file   base;
  sqlite3_file  *real;   /* the default VFS's file, right after this struct */
  guint8        *buf;    /* WAL_GATHER_MAX bytes once something was gathered */
  int            len;
  sqlite3_int64  offset; /* where buf[0] goes */
  struct _DbFile *db;    /* the connection's database file, or NULL */
} WalFile;

/* A main database file: the default VFS's, told of its locks. */
typedef struct _DbFile {
  sqlite3_file   base;
  sqlite3_file  *real;
  WalFile       *wal;    /* the same connection's WAL, while it is open */
} DbFile;

/* The default VFS's file object follows ours in one allocation. */
#define REAL_OFFSET ((MAX (sizeof (WalFile), sizeof (DbFile)) + 7) & ~(gsize) 7)

static sqlite3_vfs *default_vfs;

static int
wal_flush (WalFile *f)
{
  int rc;

  if (f->len == 0)
    return SQLITE_OK;
  rc = f->real->pMethods->xWrite (f->real, f->buf, f->len, f->offset);
  f->len = 0;
  return rc;
}

static int
wal_close (sqlite3_file *file)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);
  int rc_close = f->real->pMethods->xClose (f->real);

  if (f->db)
    f->db->wal = NULL;
  g_clear_pointer (&f->buf, g_free);
  return rc != SQLITE_OK ? rc : rc_close;
}

static int
wal_read (sqlite3_file  *file,
          void          *out,
          int            amount,
          sqlite3_int64  offset)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);

  return rc != SQLITE_OK ? rc : f->real->pMethods->xRead (f->real, out, amount, offset);
}

static int
wal_write (sqlite3_file  *file,
           const void    *data,
           int            amount,
           sqlite3_int64  offset)
{
  WalFile *f = (WalFile *) file;
  int rc;

  /* Without its database file's locks in view, nothing is held back. */
  if (f->db == NULL)
    {
      if ((rc = wal_flush (f)) != SQLITE_OK)
        return rc;
      return f->real->pMethods->xWrite (f->real, data, amount, offset);
    }
  if (f->len > 0 && offset == f->offset + f->len && f->len + amount <= WAL_GATHER_MAX)
    {
      memcpy (f->buf + f->len, data, amount);
      f->len += amount;
      return SQLITE_OK;
    }
  if ((rc = wal_flush (f)) != SQLITE_OK)
    return rc;
  if (amount > WAL_GATHER_MAX)
    return f->real->pMethods->xWrite (f->real, data, amount, offset);
  if (f->buf == NULL)
    f->buf = g_malloc (WAL_GATHER_MAX);
  memcpy (f->buf, data, amount);
  f->len = amount;
  f->offset = offset;
  return SQLITE_OK;
}

static int
wal_truncate (sqlite3_file  *file,
              sqlite3_int64  size)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);

  return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate (f->real, size);
}

static int
wal_sync (sqlite3_file *file,
          int           flags)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);

  return rc != SQLITE_OK ? rc : f->real->pMethods->xSync (f->real, flags);
}

static int
wal_file_size (sqlite3_file  *file,
               sqlite3_int64 *size)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);

  return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize (f->real, size);
}

static int
wal_lock (sqlite3_file *file,
          int           level)
{
  WalFile *f = (WalFile *) file;

  return f->real->pMethods->xLock (f->real, level);
}

static int
wal_unlock (sqlite3_file *file,
            int           level)
{
  WalFile *f = (WalFile *) file;

  return f->real->pMethods->xUnlock (f->real, level);
}

static int
wal_check_reserved_lock (sqlite3_file *file,
                         int          *out)
{
  WalFile *f = (WalFile *) file;

  return f->real->pMethods->xCheckReservedLock (f->real, out);
}

static int
wal_file_control (sqlite3_file *file,
                  int           op,
                  void         *arg)
{
  WalFile *f = (WalFile *) file;
  int rc = wal_flush (f);

  return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl (f->real, op, arg);
}

static int
wal_sector_size (sqlite3_file *file)
{
  WalFile *f = (WalFile *) file;

  return f->real->pMethods->xSectorSize (f->real);
}

static int
wal_device_characteristics (sqlite3_file *file)
{
  WalFile *f = (WalFile *) file;

  return f->real->pMethods->xDeviceCharacteristics (f->real);
}

/* Version 1: a WAL file is never mapped and has no shared memory (those
 * belong to the database file, which is the default VFS's own). */
static const sqlite3_io_methods wal_methods = {
  1,
  wal_close,
  wal_read,
  wal_write,
  wal_truncate,
  wal_sync,
  wal_file_size,
  wal_lock,
  wal_unlock,
  wal_check_reserved_lock,
  wal_file_control,
  wal_sector_size,
  wal_device_characteristics,
  NULL, NULL, NULL, NULL, NULL, NULL,
};

/* ---- the database file: the default VFS's, and its WAL lock releases -- */

#define REAL(file) (((DbFile *) (file))->real)

static int
db_close (sqlite3_file *file)
{
  DbFile *f = (DbFile *) file;

  if (f->wal)
    f->wal->db = NULL;
  return f->real->pMethods->xClose (f->real);
}

static int
db_read (sqlite3_file *file, void *out, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xRead (REAL (file), out, amount, offset);
}

static int
db_write (sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset)
{
  return REAL (file)->pMethods->xWrite (REAL (file), data, amount, offset);
}

static int
db_truncate (sqlite3_file *file, sqlite3_int64 size)
{
  return REAL (file)->pMethods->xTruncate (REAL (file), size);
}

static int
db_sync (sqlite3_file *file, int flags)
{
  return REAL (file)->pMethods->xSync (REAL (file), flags);
}

static int
db_file_size (sqlite3_file *file, sqlite3_int64 *size)
{
  return REAL (file)->pMethods->xFileSize (REAL (file), size);
}

static int
db_lock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xLock (REAL (file), level);
}

static int
db_unlock (sqlite3_file *file, int level)
{
  return REAL (file)->pMethods->xUnlock (REAL (file), level);
}

static int
db_check_reserved_lock (sqlite3_file *file, int *out)
{
  return REAL (file)->pMethods->xCheckReservedLock (REAL (file), out);
}

static int
db_file_control (sqlite3_file *file, int op, void *arg)
{
  return REAL (file)->pMethods->xFileControl (REAL (file), op, arg);
}

static int
db_sector_size (sqlite3_file *file)
{
  return REAL (file)->pMethods->xSectorSize (REAL (file));
}

static int
db_device_characteristics (sqlite3_file *file)
{
  return REAL (file)->pMethods->xDeviceCharacteristics (REAL (file));
}

static int
db_shm_map (sqlite3_file *file, int page, int page_size, int extend, void volatile **out)
{
  return REAL (file)->pMethods->xShmMap (REAL (file), page, page_size, extend, out);
}

/* Before the connection lets go of a WAL lock (the write lock at the end
 * of a transaction among them), what its WAL gathered is written: while
 * the lock is still held, as SQLite would have written it. */
static int
db_shm_lock (sqlite3_file *file, int offset, int n, int flags)
{
  DbFile *f = (DbFile *) file;

  if ((flags & SQLITE_SHM_UNLOCK) && f->wal && f->wal->len > 0)
    {
      int rc = wal_flush (f->wal);

      if (rc != SQLITE_OK)
        g_warning ("Writing a rolled-back transaction's WAL frames failed (SQLite error %d)", rc);
    }
  return f->real->pMethods->xShmLock (f->real, offset, n, flags);
}

static void
db_shm_barrier (sqlite3_file *file)
{
  REAL (file)->pMethods->xShmBarrier (REAL (file));
}

static int
db_shm_unmap (sqlite3_file *file, int delete_flag)
{
  return REAL (file)->pMethods->xShmUnmap (REAL (file), delete_flag);
}

static int
db_fetch (sqlite3_file *file, sqlite3_int64 offset, int amount, void **out)
{
  return REAL (file)->pMethods->xFetch (REAL (file), offset, amount, out);
}

static int
db_unfetch (sqlite3_file *file, sqlite3_int64 offset, void *p)
{
  return REAL (file)->pMethods->xUnfetch (REAL (file), offset, p);
}

static const sqlite3_io_methods db_methods = {
  3,
  db_close,
  db_read,
  db_write,
  db_truncate,
  db_sync,
  db_file_size,
  db_lock,
  db_unlock,
  db_check_reserved_lock,
  db_file_control,
  db_sector_size,
  db_device_characteristics,
  db_shm_map,
  db_shm_lock,
  db_shm_barrier,
  db_shm_unmap,
  db_fetch,
  db_unfetch,
};

static int
vfs_open (sqlite3_vfs  *vfs,
          const char   *name,
          sqlite3_file *file,
          int           flags,
          int          *out_flags)
{
  sqlite3_file *real = (sqlite3_file *) ((guint8 *) file + REAL_OFFSET);
  int rc;

  if (flags & SQLITE_OPEN_MAIN_DB)
    {
      DbFile *f = (DbFile *) file;

      memset (f, 0, sizeof *f);
      f->real = real;
      rc = default_vfs->xOpen (default_vfs, name, real, flags, out_flags);
      /* The unix VFS's files are version 3, as ours: every method is
       * forwarded. */
      f->base.pMethods = rc == SQLITE_OK ? &db_methods : NULL;
      return rc;
    }
  if (flags & SQLITE_OPEN_WAL)
    {
      WalFile *f = (WalFile *) file;
      sqlite3_file *db = sqlite3_database_file_object (name);

      memset (f, 0, sizeof *f);
      f->real = real;
      rc = default_vfs->xOpen (default_vfs, name, real, flags, out_flags);
      f->base.pMethods = rc == SQLITE_OK ? &wal_methods : NULL;
      if (rc == SQLITE_OK && db && db->pMethods == &db_methods)
        {
          f->db = (DbFile *) db;
          f->db->wal = f;
        }
      return rc;
    }
  /* Every other file is the default VFS's, as it is. */
  return default_vfs->xOpen (default_vfs, name, file, flags, out_flags);
}

static gpointer
register_vfs (gpointer data)
{
  static sqlite3_vfs vfs;

  default_vfs = sqlite3_vfs_find (NULL);
  vfs = *default_vfs;
  vfs.zName = CS_DB_VFS;
  vfs.szOsFile = (int) (REAL_OFFSET + default_vfs->szOsFile);
  vfs.xOpen = vfs_open;
  vfs.pNext = NULL;
  if (sqlite3_vfs_register (&vfs, 0) != SQLITE_OK)
    {
      g_warning ("Cannot register SQLite's file layer %s; using the default one", CS_DB_VFS);
      return NULL;
    }
  return (gpointer) CS_DB_VFS;
}

/* The VFS name to open databases with: "causerie", or NULL (SQLite's
 * default) when it could not be registered. */
const char *
cs_db_vfs (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, register_vfs, NULL);
}
