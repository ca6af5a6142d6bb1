/**
 * File version (文件版本) views without server imports, shared with the console (web/ imports them as
 * `@shared/data-services/files/files.types`).
 */

/** A file version as the console sees it. */
export interface FileVersionView {
  id: string;
  resourceId: string;
  versionNo: number;
  filename: string;
  contentType: string;
  size: number;
  sm3: string;
  note: string | null;
  uploadedBy: string | null;
  createdAt: string;
}

/** A file version as the data API lists it (no internal ids or uploader). */
export type PublicFileVersionView = Omit<FileVersionView, 'id' | 'resourceId' | 'uploadedBy'>;
