export { envSecrets, envSecretValues, mapSecrets, maskSecrets, SECRET_MASK, type SecretProvider } from './secrets.js';
export { createSecretReader, type SecretReader } from './secret-reader.js';
