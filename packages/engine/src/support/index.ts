/** Small tools the engine and the runtimes share. */
export { LruCache } from './lru-cache.js';
export { deepFreeze } from './deep-freeze.js';
