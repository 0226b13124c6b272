// Helpers the bench's counting tools share (instructions.mjs, alloc.mjs, profile-summary.mjs).

/**
 * Runs `post` `n` times with at most `concurrency` calls in flight; resolves with how many
 * resolved false (a request not answered 200).
 */
export async function sendInLanes(n, concurrency, post) {
  let failed = 0;
  let left = n;
  const lane = async () => {
    while (left > 0) {
      left--;
      if (!(await post())) failed++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return failed;
}

/** A V8 profile node's call frame as `function path:line`, paths from the workspace or a package. */
export function frameName({ functionName, url, lineNumber }) {
  const short = url ? url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^file:\/\/.*?\/(apps|packages|plugins)\//, '$1/') : '';
  return `${functionName || '(anonymous)'}${short ? ` ${short}:${lineNumber + 1}` : ''}`;
}

/** Where a frame's code lives: a package, the server, the engine, Node itself, or V8's own bins. */
export function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const ws = /\/(apps|packages|plugins)\/([^/]+)\//.exec(url);
  if (ws) return `@sluice/${ws[2]}`;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (url.includes('/scripts/bench/')) return 'bench script';
  return url;
}
