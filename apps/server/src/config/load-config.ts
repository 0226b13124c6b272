import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema, type Config } from './config.schema.js';
import { serverErrors } from '../errors.js';

const KEYS = Object.keys(ConfigSchema.properties);
const NUMERIC = new Set(KEYS.filter((k) => (ConfigSchema.properties as Record<string, { type?: string }>)[k]?.type === 'integer'));

/**
 * Reads the configuration from an optional YAML file (`SLUICE_CONFIG`, keys as the environment
 * variable names) overlaid by the environment, and validates it. Throws CONFIG_INVALID listing
 * every bad key at once, so a person fixes them in one go.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  const file = env.SLUICE_CONFIG;
  if (file) {
    let parsed: unknown;
    try {
      parsed = parseYaml(readFileSync(file, 'utf8'));
    } catch (error) {
      throw serverErrors.CONFIG_INVALID([`SLUICE_CONFIG: cannot read ${file}: ${(error as Error).message}`]);
    }
    if (parsed !== null && typeof parsed === 'object') Object.assign(raw, parsed);
  }
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  for (const key of NUMERIC) {
    const value = raw[key];
    if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) raw[key] = Number(value.trim());
  }
  const withDefaults = Value.Default(ConfigSchema, structuredClone(raw)) as Record<string, unknown>;
  const problems = [...Value.Errors(ConfigSchema, withDefaults)].map((e) => {
    const key = e.path.replace(/^\//, '') || '(root)';
    const unknown = e.message.includes('additional') || e.message.includes('Unexpected property');
    return unknown ? `${key}: unknown setting` : `${key}: ${e.message} (got ${JSON.stringify(e.value)})`;
  });
  if (problems.length > 0) throw serverErrors.CONFIG_INVALID([...new Set(problems)]);
  const config = withDefaults as Config;
  if (config.SLUICE_USERNAME !== undefined && config.SLUICE_PASSWORD === undefined) {
    throw serverErrors.CONFIG_INVALID(['SLUICE_PASSWORD: required when SLUICE_USERNAME is set']);
  }
  return config;
}

/** The public base URL: SLUICE_URL, else the listening address. */
export function publicUrl(config: Config, port: number): string {
  if (config.SLUICE_URL) return config.SLUICE_URL.replace(/\/+$/, '');
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
