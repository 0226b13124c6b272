export { createLocalStorage } from './local-storage.js';
export { createMemoryStorage } from './memory-storage.js';
export { createTaskStorage, readText, STORAGE_MAX_FILE_BYTES, type TaskFilesIds } from './task-storage.js';
export { sweepOrphanFiles } from './sweep-orphans.js';
export { executionUriPrefix, fileUri, isStorageUri, pathOfUri, slugify, type ExecutionFilesIds } from './storage-uri.js';
