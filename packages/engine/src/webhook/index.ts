export { dispatchWebhook, type DispatchWebhookInput, type WebhookDispatch } from './dispatch.js';
export { silentLogger, maskedLogger } from './loggers.js';
