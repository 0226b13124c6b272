import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeRuntimeContract } from '@sluice/runtime-contract';
import { createSqliteRuntime } from './index.js';

// The suite every runtime passes, each test on a fresh database file in a temporary folder. One
// process owns a file (its exclusive lock), so the checks across instances (sharedStore) do not apply.
const root = mkdtempSync(join(tmpdir(), 'sluice-sqlite-contract-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

describeRuntimeContract('sqlite', async () => createSqliteRuntime({ dir: join(root, String(n++)) }));
