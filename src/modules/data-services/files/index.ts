export { createFilesService, FILE_MAX_BYTES, type FilesService, type FileVersionView, type PublicFileVersionView } from './files.service.js';
export { filesRoutes, fileDataRoutes } from './files.routes.js';
