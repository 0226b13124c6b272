import { MAX_FOREACH_VALUES, describeValue, flowErrors } from './errors.js';

/**
 * The iteration values of a ForEach, as Kestra computes them: a list as is, or a string holding
 * a JSON list; strings kept, anything else written as JSON; duplicates dropped, first one
 * kept; null refused. Throws a coded error naming what was wrong.
 */
export function eachValues(values: unknown): string[] {
  let list = values;
  if (typeof values === 'string') {
    try {
      list = JSON.parse(values);
    } catch {
      throw flowErrors.FOREACH_NOT_A_LIST(describeValue(values));
    }
  }
  if (!Array.isArray(list)) throw flowErrors.FOREACH_NOT_A_LIST(describeValue(list));
  const seen = new Set<string>();
  list.forEach((item: unknown, i) => {
    if (item === null || item === undefined) throw flowErrors.FOREACH_NULL_VALUE(i);
    seen.add(typeof item === 'string' ? item : JSON.stringify(item));
    if (seen.size > MAX_FOREACH_VALUES) throw flowErrors.FOREACH_TOO_MANY_VALUES(list.length, MAX_FOREACH_VALUES);
  });
  return [...seen];
}
