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
