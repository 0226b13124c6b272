// Preloaded (`node --import`) into a process that scripts/bench/alloc.mjs measures. SIGUSR2
// starts V8's sampling heap profiler, the next SIGUSR2 stops it and writes the profile to
// $ALLOC_PROFILE_DIR/<role>-<pid>.heapprofile. Each toggle prints its time on the same clock as
// --trace-gc-nvp's lines (ms since the isolate started, within a few ms), so the caller can keep
// only the collections inside the window. ALLOC_SURVIVORS=1 drops the samples of objects a
// scavenge collected: what is left is what survived young collections (promoted, or still alive).
// The stop line also gives the process's CPU time inside the window (user and system, µs), and
// ALLOC_CPU_PROFILE=1 runs V8's CPU profiler over the window instead of the heap profiler,
// written to $ALLOC_PROFILE_DIR/<role>-<pid>.cpuprofile.
import { writeFileSync } from 'node:fs';
import inspector from 'node:inspector';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const session = new inspector.Session();
session.connect();
const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
let sampling = false;
let cpuAtStart;
const cpuProfile = process.env.ALLOC_CPU_PROFILE === '1';
process.on('SIGUSR2', async () => {
  const now = performance.now().toFixed(1);
  try {
    if (!sampling) {
      sampling = true;
      // ALLOC_FULL_GC=1 (with node's --expose-gc): one full collection as the window opens, which
      // promotes every live young object (tenth round: what a full collection sets going).
      if (process.env.ALLOC_FULL_GC === '1') globalThis.gc?.();
      process._rawDebug(`heap-sampler: start ${performance.now().toFixed(1)}`);
      cpuAtStart = process.cpuUsage();
      if (process.env.ALLOC_PROFILE_DIR && cpuProfile) {
        await post('Profiler.enable');
        await post('Profiler.setSamplingInterval', { interval: Number(process.env.ALLOC_CPU_INTERVAL ?? 250) });
        await post('Profiler.start');
      } else if (process.env.ALLOC_PROFILE_DIR) {
        await post('HeapProfiler.startSampling', {
          samplingInterval: Number(process.env.ALLOC_INTERVAL ?? 4096),
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: process.env.ALLOC_SURVIVORS !== '1',
        });
      }
    } else {
      sampling = false;
      const cpu = process.cpuUsage(cpuAtStart);
      process._rawDebug(`heap-sampler: stop ${now}`);
      process._rawDebug(`heap-sampler: cpu ${cpu.user} ${cpu.system}`);
      if (process.env.ALLOC_PROFILE_DIR && cpuProfile) {
        const { profile } = await post('Profiler.stop');
        writeFileSync(join(process.env.ALLOC_PROFILE_DIR, `${process.env.ALLOC_ROLE ?? 'process'}-${process.pid}.cpuprofile`), JSON.stringify(profile));
      } else if (process.env.ALLOC_PROFILE_DIR) {
        const { profile } = await post('HeapProfiler.stopSampling');
        writeFileSync(join(process.env.ALLOC_PROFILE_DIR, `${process.env.ALLOC_ROLE ?? 'process'}-${process.pid}.heapprofile`), JSON.stringify(profile));
      }
      process._rawDebug('heap-sampler: written');
    }
  } catch (error) {
    process._rawDebug(`heap-sampler: ${error}`);
  }
});

// SIGWINCH writes a heap snapshot to $ALLOC_PROFILE_DIR/<role>-<pid>-<n>.heapsnapshot (what
// retains what: for objects that live longer than their request).
let snapshots = 0;
process.on('SIGWINCH', async () => {
  if (!process.env.ALLOC_PROFILE_DIR) return;
  const chunks = [];
  const onChunk = (m) => chunks.push(m.params.chunk);
  session.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    const file = join(process.env.ALLOC_PROFILE_DIR, `${process.env.ALLOC_ROLE ?? 'process'}-${process.pid}-${++snapshots}.heapsnapshot`);
    writeFileSync(file, chunks.join(''));
    process._rawDebug(`heap-sampler: snapshot ${file}`);
  } catch (error) {
    process._rawDebug(`heap-sampler: ${error}`);
  } finally {
    session.removeListener('HeapProfiler.addHeapSnapshotChunk', onChunk);
  }
});
