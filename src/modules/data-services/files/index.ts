export { createFilesService, FILE_MAX_BYTES, type FilesService } from './files.service.js';
export type { FileVersionView, PublicFileVersionView } from './files.types.js';
export { filesRoutes, fileDataRoutes } from './files.routes.js';
