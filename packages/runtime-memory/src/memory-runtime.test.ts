import { describeRuntimeContract } from '@sluice/runtime-contract';
import { createMemoryRuntime } from './index.js';

// The suite every runtime passes; the memory runtime has one store per instance, so the checks
// across instances (sharedStore) do not apply.
describeRuntimeContract('memory', async () => createMemoryRuntime());
